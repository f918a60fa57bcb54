import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { type Browser, createBrowser } from "./support/browser.ts";
import { waitUntil } from "./support/child-process.ts";
import { setCookiesNamed } from "./support/cookie-jar.ts";
import { errorAnswer } from "./support/errors.ts";
import { type Stack, startStack } from "./support/stack.ts";

// What the gateway answers while a service is down or hung, and that it recovers on its own.
// The tests run in order: each leaves the stack whole again.

setDefaultTimeout(30_000);

/**
 * GRPC_TIMEOUT_MS is the gateway's default, 2 s. A failing call comes back at the deadline at
 * the latest: 5 s leaves a loaded machine 3 s over it, and still fails a gateway that retried a
 * hung call twice (6 s). A dead service answered at the deadline would be a 504, not a 503.
 */
const PROMPT_MS = 5_000;

let stack: Stack;
let browser: Browser;
let noteId = "";

beforeAll(async () => {
  stack = await startStack();
  browser = createBrowser(stack.gatewayUrl);
  await browser.signIn("google", { id: "resilient-user" });
  const created = await browser.api("/api/notes", { method: "POST", json: { title: "kept" } });
  noteId = ((await created.json()) as { id: string }).id;
}, 60_000);
afterAll(() => stack?.stop());

async function timed(run: () => Promise<Response>): Promise<{ response: Response; ms: number }> {
  const started = performance.now();
  const response = await run();
  return { response, ms: performance.now() - started };
}

async function readiness(): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${stack.gatewayUrl}/readyz`);
  return { status: response.status, body: await response.json() };
}

/** /readyz once it answers `status`: it reuses a probe's answer for up to a second. */
async function readinessOnce(status: number): Promise<{ status: number; body: unknown }> {
  let last: { status: number; body: unknown } = { status: 0, body: null };
  const answers = async () => {
    last = await readiness();
    return last.status === status;
  };
  // Waits for the answer, not a time: its probe's reuse is 1 s, and the limit only ends a wait
  // that would never see it.
  await waitUntil(answers, {
    withinMs: 15_000,
    everyMs: 100,
    describe: () => `/readyz did not answer ${status}: ${JSON.stringify(last)}`,
  });
  return last;
}

/** Polls until `path` answers `status`, as a client retrying would. */
function recovers(path: string, status: number, client: Browser = browser): Promise<void> {
  return waitUntil(async () => (await client.api(path)).status === status, {
    withinMs: 15_000,
    everyMs: 200,
    describe: () => `${path} did not answer ${status} again`,
  });
}

test("with notes stopped, /api/notes answers 503 promptly and /readyz names notes", async () => {
  await stack.processes.notes.stop();

  const { response, ms } = await timed(() => browser.api("/api/notes"));

  expect(await errorAnswer(response)).toMatchObject({ status: 503, code: "UNAVAILABLE" });
  expect(ms).toBeLessThan(PROMPT_MS);
  expect(await readinessOnce(503)).toEqual({
    status: 503,
    body: {
      status: "not ready",
      services: { identity: "SERVING", "trellis.notes.v1.NotesService": "UNREACHABLE" },
    },
  });
  expect((await browser.api("/api/me")).status).toBe(200);
});

test("notes restarted on the same port and database serves the same notes again", async () => {
  await stack.processes.notes.start();

  await recovers("/api/notes", 200);

  const page = (await (await browser.api("/api/notes")).json()) as { notes: { id: string }[] };
  expect(page.notes.map((note) => note.id)).toEqual([noteId]);
  expect(await readinessOnce(200)).toMatchObject({ status: 200, body: { status: "ready" } });
});

test("with notes hung (SIGSTOP), /api/notes answers 504 at the gRPC deadline", async () => {
  stack.processes.notes.signal("SIGSTOP");
  try {
    const { response, ms } = await timed(() => browser.api("/api/notes"));

    expect(await errorAnswer(response)).toMatchObject({ status: 504, code: "DEADLINE_EXCEEDED" });
    expect(ms).toBeGreaterThanOrEqual(1_900);
    expect(ms).toBeLessThan(PROMPT_MS);
  } finally {
    stack.processes.notes.signal("SIGCONT");
  }
  await recovers("/api/notes", 200);
});

test("with identity stopped, /api/me answers 503, not 401, and keeps the cookie", async () => {
  // Signed in but never checked: the gateway's session cache cannot answer for it.
  const uncached = createBrowser(stack.gatewayUrl);
  await uncached.signIn("google", { id: "resilient-user-2" });
  const token = uncached.jar.get("session");
  await stack.processes.identity.stop();

  const { response, ms } = await timed(() => uncached.api("/api/me"));

  expect(await errorAnswer(response)).toMatchObject({ status: 503, code: "UNAVAILABLE" });
  expect(ms).toBeLessThan(PROMPT_MS);
  expect(setCookiesNamed(response, "session")).toEqual([]);

  await stack.processes.identity.start();
  await recovers("/api/me", 200, uncached);
  expect(uncached.jar.get("session")).toBe(token);
});
