import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type {
  Browser,
  BrowserContext,
  ConsoleMessage,
  Page,
  Request as PageRequest,
  Response as PageResponse,
} from "playwright-core";
import { repoRoot } from "../support/paths.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { launchChromium } from "./chromium.ts";

// The web app in a real browser against the real stack, run from the compiled binaries the
// images hold: the production build served from beside the gateway's binary (development mode,
// so Dev login is offered), the fake OAuth provider, identity and notes. One story, from
// signing in to a second user who sees none of the first one's notes.

setDefaultTimeout(60_000);

const SCREENSHOTS = join(repoRoot, "reports/screenshots");
const PAGE_SIZE = 20; // the app's page of notes

const launched = await launchChromium();
const skipReason = "unavailable" in launched ? launched.unavailable : null;

let browser: Browser | undefined;
let stack: Stack | undefined;
/** Console messages about blocked content: the CSP must not refuse anything the app does. */
const cspViolations: string[] = [];

beforeAll(async () => {
  if ("browser" in launched) {
    browser = launched.browser;
    stack = await startStack({ from: "binaries" });
    await mkdir(SCREENSHOTS, { recursive: true });
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  if (browser === undefined || stack === undefined) {
    throw new Error("the browser or the stack did not start");
  }
  const context = await browser.newContext({
    baseURL: stack.gatewayUrl,
    viewport: { width: 1100, height: 900 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) {
      cspViolations.push(message.text());
    }
  });
  return { context, page };
}

/**
 * Records what a browser's console shows as an error while the page loads: console errors
 * (which include "Failed to load resource: ... 401"), requests that failed and answers >= 400.
 */
function failedRequests(page: Page): { stop(): string[] } {
  const seen: string[] = [];
  const onConsole = (message: ConsoleMessage) => {
    if (message.type() === "error") {
      seen.push(`console: ${message.text()}`);
    }
  };
  const onFailed = (request: PageRequest) =>
    seen.push(`failed: ${request.method()} ${request.url()}`);
  const onResponse = (response: PageResponse) => {
    if (response.status() >= 400) {
      seen.push(`${response.status()}: ${response.request().method()} ${response.url()}`);
    }
  };
  page.on("console", onConsole);
  page.on("requestfailed", onFailed);
  page.on("response", onResponse);
  return {
    stop() {
      page.off("console", onConsole);
      page.off("requestfailed", onFailed);
      page.off("response", onResponse);
      return seen;
    },
  };
}

/** Dev login through the fake provider's form, as `id` named `name`. */
async function devLogin(page: Page, id: string, name: string): Promise<void> {
  await page.getByRole("link", { name: "Dev login" }).click();
  await page.getByLabel("Subject (sub)").fill(id);
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Your notes" }).waitFor();
}

const note = (page: Page, title: string) =>
  page
    .getByRole("article")
    .filter({ has: page.getByRole("heading", { name: title, exact: true }) });

/** The note being edited: its card holds the edit form. */
const editor = (page: Page) =>
  page.getByRole("article").filter({ has: page.getByRole("button", { name: "Save" }) });

async function addNote(page: Page, title: string, body: string): Promise<void> {
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Note", { exact: true }).fill(body);
  await page.getByRole("button", { name: "Add note" }).click();
  // Confirmed by the server once its pending state ("Saving…") gives way to its age.
  await note(page, title)
    .getByText(/^Created/)
    .waitFor();
}

/** Creates notes through the API from the page itself: same origin, the user's own cookie. */
async function addNotesThroughApi(page: Page, titles: string[]): Promise<void> {
  const statuses = await page.evaluate(async (all) => {
    const answers: number[] = [];
    for (const title of all) {
      const response = await fetch("/api/notes", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ title, body: "" }),
      });
      answers.push(response.status);
    }
    return answers;
  }, titles);
  expect(statuses).toEqual(titles.map(() => 201));
}

test.skipIf(skipReason !== null)(
  `signs in, keeps notes, pages, deletes, signs out (here, then everywhere); users are isolated${
    skipReason === null ? "" : ` (skipped: ${skipReason})`
  }`,
  async () => {
    const { context, page } = await newPage();

    // Signed out, the app asks whether it is signed in before loading anything, and sends the
    // browser to Sign in without a failed request: nothing in the console, nothing refused.
    const failures = failedRequests(page);
    await page.goto("/");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/signin");
    await page.waitForLoadState("networkidle");
    expect(failures.stop()).toEqual([]);
    expect(await page.title()).toBe("Sign in · Trellis");
    await page.screenshot({ path: join(SCREENSHOTS, "signin.png") });

    // A sign-in refused at the provider comes back with a message, not a JSON error.
    await page.getByRole("link", { name: "Dev login" }).click();
    await page.getByRole("button", { name: "Deny" }).click();
    await page.getByRole("alert").getByText("Sign-in was cancelled").waitFor();
    expect(page.url()).toEndWith("/signin?error=denied");
    await page.screenshot({ path: join(SCREENSHOTS, "signin-error.png") });

    await devLogin(page, "e2e-alice", "Alice Example");
    expect(await page.getByText("Alice Example").isVisible()).toBe(true);
    await page.getByText("No notes yet").waitFor();

    // Create two, edit one, and see them kept after a reload.
    await addNote(page, "Groceries", "eggs, milk");
    // The keyboard alone: type, Tab to the next field, Tab to "Add note", Enter.
    await page.getByLabel("Title").focus();
    await page.keyboard.type("Ideas");
    await page.keyboard.press("Tab");
    await page.keyboard.type("a trellis for the roses");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await note(page, "Ideas")
      .getByText(/^Created/)
      .waitFor();
    expect(await page.title()).toBe("Your notes · Trellis");
    await note(page, "Groceries").getByRole("button", { name: /^Edit/ }).click();
    await editor(page).getByLabel("Title").fill("Groceries for Sunday");
    await editor(page).getByLabel("Note").fill("eggs, milk, basil");
    await editor(page).getByRole("button", { name: "Save" }).click();
    await note(page, "Groceries for Sunday")
      .getByText(/^Edited/)
      .waitFor();

    await page.reload();
    await note(page, "Groceries for Sunday").getByText("eggs, milk, basil").waitFor();
    await note(page, "Ideas").waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, "home.png") });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SCREENSHOTS, "home-phone.png") });
    await page.setViewportSize({ width: 1100, height: 900 });

    // More than a page: the two oldest notes arrive with "Load more".
    const bulk = Array.from({ length: PAGE_SIZE }, (_, i) => `Bulk note ${i + 1}`);
    await addNotesThroughApi(page, bulk);
    await page.reload();
    await note(page, `Bulk note ${PAGE_SIZE}`).waitFor();
    expect(await page.getByRole("article").count()).toBe(PAGE_SIZE);
    await page.getByRole("button", { name: "Load more" }).click();
    await note(page, "Ideas").waitFor();
    expect(await page.getByRole("article").count()).toBe(PAGE_SIZE + 2);
    await page.getByRole("button", { name: "Load more" }).waitFor({ state: "detached" });

    // Delete with confirmation: Escape keeps the note, "Delete" removes it for good.
    await note(page, "Ideas")
      .getByRole("button", { name: /^Delete/ })
      .click();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    await note(page, "Ideas")
      .getByRole("button", { name: /^Delete/ })
      .click();
    await page.screenshot({ path: join(SCREENSHOTS, "delete-dialog.png") });
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await note(page, "Ideas").waitFor({ state: "detached" });

    // A change the server refuses is undone, with the server's reason: here the note was
    // deleted elsewhere (another tab) before this edit reached it.
    const [groceries] = await page.evaluate(async () => {
      const response = await fetch("/api/notes?page_size=100");
      const { notes } = (await response.json()) as { notes: { id: string; title: string }[] };
      return notes.filter((n) => n.title === "Groceries for Sunday").map((n) => n.id);
    });
    await page.evaluate((id) => fetch(`/api/notes/${id}`, { method: "DELETE" }), groceries);
    await note(page, "Groceries for Sunday").getByRole("button", { name: /^Edit/ }).click();
    await editor(page).getByLabel("Title").fill("Too late");
    await editor(page).getByRole("button", { name: "Save" }).click();
    await page
      .getByRole("alert")
      .getByText(/not found/i)
      .waitFor();
    await note(page, "Groceries for Sunday").waitFor();
    expect(await note(page, "Too late").count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, "home-refused.png") });

    // Signing out lands on Sign in, and the session is gone.
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/signin");
    const me = await page.evaluate(async () => (await fetch("/api/me")).status);
    expect(me).toBe(401);

    // Another user sees none of the first one's notes.
    await devLogin(page, "e2e-bob", "Bob Example");
    await page.getByText("No notes yet").waitFor();
    expect(await page.getByText("Bob Example").isVisible()).toBe(true);
    expect(await page.getByRole("article").count()).toBe(0);

    // Bob signs in on a second browser too; "Sign out everywhere" here ends both sessions.
    const elsewhere = await newPage();
    await elsewhere.page.goto("/");
    await devLogin(elsewhere.page, "e2e-bob", "Bob Example");
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await page.screenshot({ path: join(SCREENSHOTS, "sign-out-everywhere-dialog.png") });
    await page.getByRole("dialog").getByRole("button", { name: "Sign out everywhere" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    const statuses = await Promise.all(
      [page, elsewhere.page].map((p) => p.evaluate(async () => (await fetch("/api/me")).status)),
    );
    expect(statuses).toEqual([401, 401]);
    // The other browser's next visit lands on Sign in.
    await elsewhere.page.reload();
    await elsewhere.page.getByRole("heading", { name: "Sign in" }).waitFor();
    await elsewhere.context.close();

    expect(cspViolations).toEqual([]);
    await context.close();
  },
);

test.skipIf(skipReason !== null)(
  `the API reference renders at /docs under its CSP, loading nothing from elsewhere${
    skipReason === null ? "" : ` (skipped: ${skipReason})`
  }`,
  async () => {
    const { context, page } = await newPage();
    const origins = new Set<string>();
    page.on("request", (request) => {
      origins.add(new URL(request.url()).origin);
    });
    const violations = cspViolations.length;

    await page.goto("/docs");
    // Swagger UI has fetched /openapi.json and drawn the API's operations from it.
    await page.getByText("Trellis API").first().waitFor();
    await page.getByText("/api/notes/{id}").first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, "docs.png") });

    expect([...origins].filter((origin) => !origin.startsWith("data:"))).toEqual([
      new URL(stack?.gatewayUrl ?? "").origin,
    ]);
    expect(cspViolations.slice(violations)).toEqual([]);
    await context.close();
  },
);
