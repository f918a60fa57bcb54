import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { type Browser, createBrowser } from "./support/browser.ts";
import { waitUntil } from "./support/child-process.ts";
import { type RedisServer, startRedisServer } from "./support/redis-server.ts";
import { type Stack, startStack } from "./support/stack.ts";

// Two gateway processes (A and B) in front of one identity and notes, sharing a Redis of the
// test's own (SHARED_STATE_URL): a session ended through A stops working through B within a
// second although B caches sessions for 30 s, and the sign-in limit counts both gateways' hits.
// Then Redis goes away: both gateways keep answering, fail safe, and come back on their own.

setDefaultTimeout(30_000);

/** Far longer than a test: a session B keeps for its TTL would still be let in at the end. */
const SESSION_CACHE_TTL_MS = 30_000;
const AUTH_LIMIT = 30;
/** How often, and at most how many times, B is asked after an end: 40 polls span 2 s. */
const POLL_MS = 50;
const MAX_POLLS = 40;
/** One second of polls: what "stops working within a second" allows. */
const WITHIN_A_SECOND = 1_000 / POLL_MS;

let redis: RedisServer;
let stack: Stack;
let a: string;
let b: string;
beforeAll(async () => {
  redis = await startRedisServer();
  stack = await startStack({
    gatewayReplicas: 2,
    gatewayEnv: {
      SESSION_CACHE_TTL_MS: String(SESSION_CACHE_TTL_MS),
      SHARED_STATE_URL: redis.url,
      AUTH_RATE_LIMIT_PER_MINUTE: String(AUTH_LIMIT),
      // The rate-limit tests speak for clients of their own through X-Forwarded-For.
      TRUST_PROXY: "true",
    },
  });
  [a = "", b = ""] = stack.gatewayUrls;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await redis?.process.stop();
});

let lastUser = 0;
/** A browser signed in through A, and the cookie header that carries its session. */
async function signedInThroughA(userId = `replica-user-${++lastUser}`) {
  const browser = createBrowser(a);
  const token = await browser.signIn("dev", { id: userId });
  return { browser, cookie: `session=${token}`, userId };
}

function meStatus(gatewayUrl: string, cookie: string): Promise<number> {
  return fetch(`${gatewayUrl}/api/me`, { headers: { cookie } }).then((r) => r.status);
}

/** Polls B every 50 ms until it refuses `cookie`: how many polls that took (MAX_POLLS: never). */
async function pollsUntilRefused(gatewayUrl: string, cookie: string): Promise<number> {
  for (let poll = 1; poll <= MAX_POLLS; poll++) {
    if ((await meStatus(gatewayUrl, cookie)) === 401) {
      return poll;
    }
    await Bun.sleep(POLL_MS);
  }
  return MAX_POLLS + 1;
}

/** Sign-in starts, alternating between the gateways, from one client address: how many passed. */
async function admittedSignInStarts(address: string, attempts: number): Promise<number> {
  let admitted = 0;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const gateway = attempt % 2 === 0 ? a : b;
    const response = await fetch(`${gateway}/auth/dev/login`, {
      headers: { "x-forwarded-for": address },
      redirect: "manual",
    });
    admitted += response.status === 302 ? 1 : 0;
  }
  return admitted;
}

async function logOut(browser: Browser, path = "/auth/logout"): Promise<void> {
  expect((await browser.api(path, { method: "POST" })).status).toBeLessThan(300);
}

describe("with Redis shared", () => {
  test("a logout through A is refused by B within a second, not B's cache TTL", async () => {
    const { browser, cookie } = await signedInThroughA();
    // B checks the session once and caches it for 30 s.
    expect(await meStatus(b, cookie)).toBe(200);

    await logOut(browser);

    expect(await pollsUntilRefused(b, cookie)).toBeLessThanOrEqual(WITHIN_A_SECOND);
  });

  test("signing out everywhere through A ends every session of the user on B within a second", async () => {
    const first = await signedInThroughA();
    const second = await signedInThroughA(first.userId);
    const other = await signedInThroughA();
    for (const session of [first, second, other]) {
      expect(await meStatus(b, session.cookie)).toBe(200);
    }

    await logOut(first.browser, "/auth/logout-everywhere");

    const polls = await Promise.all([first, second].map((s) => pollsUntilRefused(b, s.cookie)));
    expect(polls.map((p) => p <= WITHIN_A_SECOND)).toEqual([true, true]);
    expect(await meStatus(b, other.cookie)).toBe(200);
  });

  test("a session that expires is refused by both gateways within a second of its expiry", async () => {
    const { cookie } = await signedInThroughA();
    const sessionId = cookie.slice("session=".length).split(".")[0] ?? "";
    // Two seconds short of its absolute lifetime (90 days), which no renewal extends.
    await stack.withIdentityDatabase(
      (sql) => sql`UPDATE sessions SET expires_at = now() + interval '2 seconds',
                     created_at = now() - interval '90 days' + interval '2 seconds'
                   WHERE id = ${sessionId}`,
    );
    // Both cache it, with the expiry identity now answers.
    expect([await meStatus(a, cookie), await meStatus(b, cookie)]).toEqual([200, 200]);
    await Bun.sleep(2_000);

    const polls = await Promise.all([a, b].map((gateway) => pollsUntilRefused(gateway, cookie)));

    expect(polls.map((p) => p <= WITHIN_A_SECOND)).toEqual([true, true]);
  });

  test("the sign-in limit admits the configured rate across both gateways, within 10%", async () => {
    const admitted = await admittedSignInStarts("203.0.113.10", 2 * AUTH_LIMIT);

    expect(admitted).toBeGreaterThanOrEqual(Math.floor(AUTH_LIMIT * 0.9));
    expect(admitted).toBeLessThanOrEqual(Math.ceil(AUTH_LIMIT * 1.1));
  });
});

describe("with Redis frozen (answering nothing, its connections open)", () => {
  let reconnectedBefore: number[] = [];
  beforeAll(() => {
    reconnectedBefore = reconnections();
    redis.process.signal("SIGSTOP");
  });
  afterAll(async () => {
    redis.process.signal("SIGCONT");
    await waitUntil(async () => reconnections().every((n, i) => n > (reconnectedBefore[i] ?? 0)), {
      withinMs: 15_000,
      everyMs: 100,
      describe: () => "the gateways did not resubscribe after Redis woke up",
    });
  });

  test("B notices within its heartbeat: a logout through A is still refused by B within a second", async () => {
    const { browser, cookie } = await signedInThroughA();
    expect(await meStatus(b, cookie)).toBe(200);

    await logOut(browser);

    expect(await pollsUntilRefused(b, cookie)).toBeLessThanOrEqual(WITHIN_A_SECOND);
  });
});

describe("with Redis gone, then back", () => {
  beforeAll(async () => {
    await redis.process.stop();
  });

  test("both gateways stay up and a logout through A still reaches B within a second", async () => {
    const { browser, cookie } = await signedInThroughA();
    expect(await meStatus(b, cookie)).toBe(200);

    await logOut(browser);

    expect(await pollsUntilRefused(b, cookie)).toBeLessThanOrEqual(WITHIN_A_SECOND);
    for (const gateway of [a, b]) {
      expect((await fetch(`${gateway}/readyz`)).status).toBe(200);
    }
  });

  test("the sign-in limit falls back to each gateway's own, never refusing everyone", async () => {
    const admitted = await admittedSignInStarts("203.0.113.20", 2 * AUTH_LIMIT);

    // Each gateway admits its own quota: the pair, about twice the configured rate.
    expect(admitted).toBeGreaterThanOrEqual(Math.floor(2 * AUTH_LIMIT * 0.9));
  });

  test("once Redis is back, both gateways use it again on their own", async () => {
    const before = reconnections();
    await redis.process.start();
    // Both connections of each gateway: commands and subscriber.
    await waitUntil(async () => reconnections().every((n, i) => n >= (before[i] ?? 0) + 2), {
      withinMs: 15_000,
      everyMs: 100,
      describe: () => "the gateways did not reconnect to Redis",
    });
    const { browser, cookie } = await signedInThroughA();
    expect(await meStatus(b, cookie)).toBe(200);

    await logOut(browser);

    expect(await pollsUntilRefused(b, cookie)).toBeLessThanOrEqual(WITHIN_A_SECOND);
    const admitted = await admittedSignInStarts("203.0.113.30", 2 * AUTH_LIMIT);
    expect(admitted).toBeLessThanOrEqual(Math.ceil(AUTH_LIMIT * 1.1));
  });
});

/** How many times each gateway logged a connection to Redis back. */
function reconnections(): number[] {
  return [stack.processes.gateway, ...stack.processes.replicas].map(
    (gateway) => gateway.output().split("shared state reachable again").length - 1,
  );
}
