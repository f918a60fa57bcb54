import { expect, test } from "bun:test";
import { createMemoryRateLimiter } from "../http/rate-limit-memory.ts";
import type { RateLimitDecision, RateLimiter } from "../http/rate-limiter.ts";
import { fakeNotes, GOOD_TOKEN } from "../testing/fake-clients.ts";
import { fakeProvider, signedIn, testApp } from "../testing/test-app.ts";

// The limits as clients meet them: per address (an IPv6 client's /64) on /auth, per session on
// /api, with the RateLimit fields of draft-ietf-httpapi-ratelimit-headers-11 and Retry-After.

/** A limiter whose clock stands still, so that its `t` values are exact. */
const stillLimiter = (name: string, limit: number): RateLimiter =>
  createMemoryRateLimiter({ name, limit, windowSeconds: 60, now: () => 0 });

function rateLimitFields(response: Response): Record<string, string | null> {
  return {
    status: String(response.status),
    policy: response.headers.get("ratelimit-policy"),
    limit: response.headers.get("ratelimit"),
    retryAfter: response.headers.get("retry-after"),
  };
}

test("/auth answers carry the quota and what is left; the refusal adds Retry-After", async () => {
  const { request } = testApp({
    providers: { github: fakeProvider("github") },
    limiter: stillLimiter("auth", 2),
  });

  const answers: Record<string, string | null>[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    answers.push(rateLimitFields(await request("/auth/github/login")));
  }

  const policy = '"auth";q=2;w=60';
  expect(answers).toEqual([
    { status: "302", policy, limit: '"auth";r=1;t=30', retryAfter: null },
    { status: "302", policy, limit: '"auth";r=0;t=60', retryAfter: null },
    { status: "429", policy, limit: '"auth";r=0;t=30', retryAfter: "30" },
  ]);
});

const sharedQuota = [
  { name: "two addresses in one IPv6 /64", first: "2001:db8:1:2::1", second: "2001:db8:1:2:ff::9" },
  {
    name: "an IPv4 address and its IPv4-mapped form",
    first: "198.51.100.7",
    second: "::ffff:c633:6407",
  },
];

test.each(sharedQuota)("$name share one sign-in quota", async ({ first, second }) => {
  const { deps } = testApp();
  const { request } = testApp({
    config: { ...deps.config, trustProxy: true },
    providers: { github: fakeProvider("github") },
    limiter: stillLimiter("auth", 1),
  });
  const from = (address: string) =>
    request("/auth/github/login", { headers: { "x-forwarded-for": address } });

  const statuses = [(await from(first)).status, (await from(second)).status];
  const otherNetwork = (await from("2001:db8:1:3::1")).status;

  expect(statuses).toEqual([302, 429]);
  expect(otherNetwork).toBe(302);
});

test("/api counts a session's requests: past its quota it answers 429 and calls no service", async () => {
  const notes = fakeNotes();
  const { request } = testApp({ notes, sessionLimiter: stillLimiter("session", 2) });

  const me = [await request("/api/me", { headers: signedIn() })];
  me.push(await request("/api/notes", { headers: signedIn() }));
  const refused = await request("/api/notes", { headers: signedIn() });

  expect(me.map(rateLimitFields)).toEqual([
    { status: "200", policy: '"session";q=2;w=60', limit: '"session";r=1;t=30', retryAfter: null },
    { status: "200", policy: '"session";q=2;w=60', limit: '"session";r=0;t=60', retryAfter: null },
  ]);
  expect(rateLimitFields(refused)).toEqual({
    status: "429",
    policy: '"session";q=2;w=60',
    limit: '"session";r=0;t=30',
    retryAfter: "30",
  });
  expect(await refused.json()).toMatchObject({ error: { code: "RESOURCE_EXHAUSTED" } });
  expect(notes.calls.map((call) => call.method)).toEqual(["listNotes"]);
});

/** A limiter that allows everything and records the keys it was asked about. */
function recordingLimiter(): RateLimiter & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    policy: { name: "session", limit: 10, windowSeconds: 60 },
    async hit(key): Promise<RateLimitDecision> {
      keys.push(key);
      return { allowed: true, remaining: 9, resetSeconds: 6 };
    },
  } satisfies RateLimiter & { keys: string[] };
}

test("the /api quota is keyed by the session id, never by the token's secret", async () => {
  const sessionLimiter = recordingLimiter();
  const { request } = testApp({ sessionLimiter });

  await request("/api/me", { headers: signedIn() });
  await request("/api/notes", { headers: signedIn() });

  const dot = GOOD_TOKEN.indexOf(".");
  const [sessionId, secret] = [GOOD_TOKEN.slice(0, dot), GOOD_TOKEN.slice(dot + 1)];
  expect(sessionLimiter.keys).toEqual([sessionId, sessionId]);
  expect(sessionLimiter.keys.some((key) => key.includes(secret))).toBe(false);
});

test("a request identity refuses spends no quota and adds no key", async () => {
  const sessionLimiter = recordingLimiter();
  const { request } = testApp({ sessionLimiter });

  const answers = [
    await request("/api/me"),
    await request("/api/me", { headers: { cookie: "__Host-session=junkid.junksecret" } }),
    await request("/api/notes", { headers: { cookie: "__Host-session=junkid.junksecret" } }),
  ];

  expect(answers.map((response) => response.status)).toEqual([401, 401, 401]);
  expect(answers.map((response) => response.headers.get("ratelimit"))).toEqual([null, null, null]);
  expect(sessionLimiter.keys).toEqual([]);
});
