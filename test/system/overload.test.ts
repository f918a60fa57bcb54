import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { type Browser, createBrowser } from "./support/browser.ts";
import { errorAnswer } from "./support/errors.ts";
import { type Stack, startStack } from "./support/stack.ts";

// UPSTREAM_MAX_IN_FLIGHT on the real processes: with a bound of 1 and notes (or identity) frozen
// (SIGSTOP), one call holds the only slot, and the next request is refused 503 + Retry-After
// without reaching the service; once it runs again both kinds of request are served.

setDefaultTimeout(30_000);

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({
    gatewayEnv: { UPSTREAM_MAX_IN_FLIGHT: "1", GRPC_TIMEOUT_MS: "5000" },
  });
  browser = createBrowser(stack.gatewayUrl);
  await browser.signIn("google", { id: "overloaded-user" });
}, 60_000);
afterAll(() => stack?.stop());

test("past UPSTREAM_MAX_IN_FLIGHT the gateway answers 503 with Retry-After, then serves again", async () => {
  stack.processes.notes.signal("SIGSTOP");
  let held: Promise<Response> | undefined;
  try {
    held = browser.api("/api/notes");
    // The held call takes its slot once the gateway has checked the session and sent it.
    let shed: Response;
    do {
      await Bun.sleep(20);
      shed = await browser.api("/api/notes");
    } while (shed.status !== 503);

    expect(shed.headers.get("retry-after")).toBe("1");
    expect(await errorAnswer(shed)).toMatchObject({ status: 503, code: "UNAVAILABLE" });
  } finally {
    stack.processes.notes.signal("SIGCONT");
  }
  expect((await held).status).toBe(200);
  expect((await browser.api("/api/notes")).status).toBe(200);
});

test("identity's calls are bounded too: a session check past the bound is 503, never 401", async () => {
  // Signed in, never checked: each browser's first API request asks identity.
  const [holding, shedding] = [createBrowser(stack.gatewayUrl), createBrowser(stack.gatewayUrl)];
  await holding.signIn("google", { id: "holding-user" });
  await shedding.signIn("google", { id: "shedding-user" });
  stack.processes.identity.signal("SIGSTOP");
  let held: Promise<Response> | undefined;
  try {
    held = holding.api("/api/me");
    let shed: Response;
    do {
      await Bun.sleep(20);
      shed = await shedding.api("/api/me");
    } while (shed.status !== 503);

    expect(shed.headers.get("retry-after")).toBe("1");
    expect(await errorAnswer(shed)).toMatchObject({ status: 503, code: "UNAVAILABLE" });
  } finally {
    stack.processes.identity.signal("SIGCONT");
  }
  expect((await held).status).toBe(200);
  // The shed check left nothing behind: the same cookie is served once identity has room.
  expect((await shedding.api("/api/me")).status).toBe(200);
});
