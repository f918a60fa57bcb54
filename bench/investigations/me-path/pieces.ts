import { join } from "node:path";

// The pieces of GET /api/me's extra work over GET /healthz, each timed alone in a loop (CPU time
// per call, median of 5 rounds, each call awaited as Elysia awaits it), with the values the
// bench's requests give them. `bun pieces.ts [tree root]`.
const root = process.argv[2] ?? join(import.meta.dir, "../../..");
const gateway = `${root}/gateway`;
const { parseCookie } = await import(`${gateway}/node_modules/elysia/dist/cookies.mjs`);
const { getSchemaValidator } = await import(`${gateway}/node_modules/elysia/dist/index.mjs`);
const { createMemoryRateLimiter } = await import(`${gateway}/src/http/rate-limit-memory.ts`);
const { setRateLimitHeaders } = await import(`${gateway}/src/http/rate-limit-headers.ts`);
const { toUserJson, userJson } = await import(`${gateway}/src/http/rest-shapes.ts`);
const { cachedSessionValidator } = await import(`${gateway}/src/auth/session-cache.ts`);
const { USER } = await import(`${gateway}/src/testing/fake-clients.ts`);

const CALLS = 200_000;
async function cpuPerCall(name: string, call: () => unknown): Promise<void> {
  for (let i = 0; i < 30_000; i++) {
    await call();
  }
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const before = process.cpuUsage();
    for (let i = 0; i < CALLS; i++) {
      await call();
    }
    const used = process.cpuUsage(before);
    rounds.push((used.user + used.system) / CALLS);
  }
  rounds.sort((a, b) => a - b);
  console.log(`${name.padEnd(44)} ${(rounds[2] ?? 0).toFixed(3)} µs`);
}

const token = "goodsessionid00000000000.goodsecret000000000000000";
const sessionId = token.slice(0, token.indexOf("."));
const initial = { path: "/" };
await cpuPerCall("Elysia cookie jar, no Cookie header", () => parseCookie({}, null, initial));
await cpuPerCall("Elysia cookie jar, session cookie, read", async () => {
  const jar = await parseCookie({ headers: {} }, `session=${token}`, initial);
  return jar.session.value;
});
// Since the jar went (issue 24): the gateway's own read of the Cookie header, where the tree has it.
const cookies = await import(`${gateway}/src/auth/cookies.ts`);
if ("cookieValue" in cookies) {
  const request = new Request("http://localhost/api/me", {
    headers: { cookie: `session=${token}` },
  });
  const bare = new Request("http://localhost/healthz");
  await cpuPerCall("readCookie, no Cookie header", () => cookies.readCookie(bare, "session"));
  await cpuPerCall("readCookie, session cookie (cookie package)", () =>
    cookies.readCookie(request, "session"),
  );
}
const sessions = cachedSessionValidator(
  async () => ({
    user: USER,
    sessionExpireTime: new Date(Date.now() + 86_400_000),
    renewed: false,
  }),
  { ttlMs: 3_600_000, maxEntries: 10_000 },
);
await sessions.validate(token);
await cpuPerCall("session cache hit", () => sessions.validate(token));
const limiter = createMemoryRateLimiter({ name: "session", limit: 1_000_000, windowSeconds: 60 });
await cpuPerCall("rate limit hit + RateLimit headers", async () => {
  const headers = {};
  setRateLimitHeaders(headers, limiter.policy, await limiter.hit(sessionId));
});
await cpuPerCall("toUserJson", () => toUserJson(USER));
await cpuPerCall("toUserJson, new User object each call", () => toUserJson({ ...USER }));
const check = getSchemaValidator(userJson, { normalize: true });
const json = toUserJson(USER);
await cpuPerCall("response schema: Clean + Check", () => check.Check(check.Clean(json)));
const headers = () => ({
  "x-request-id": crypto.randomUUID(),
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
});
await cpuPerCall("Response.json /healthz (3 headers)", () =>
  Response.json({ status: "ok" }, { headers: headers(), status: 200 }),
);
await cpuPerCall("Response.json /api/me (6 headers)", () =>
  Response.json(json, {
    headers: {
      ...headers(),
      "cache-control": "no-store",
      "ratelimit-policy": '"session";q=1000000;w=60',
      ratelimit: '"session";r=999;t=1',
    },
    status: 200,
  }),
);
