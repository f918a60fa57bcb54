import { expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import { createMemoryRateLimiter } from "../http/rate-limit-memory.ts";
import { fakeIdentity, GOOD_TOKEN, grpcError, USER } from "../testing/fake-clients.ts";
import { testApp } from "../testing/test-app.ts";

const signedInUser = {
  id: USER.id,
  name: USER.name,
  email: USER.email,
  avatarUrl: USER.avatarUrl,
  createTime: "2026-01-02T03:04:05.000Z",
};

const cases = [
  { name: "no cookie", cookie: undefined, want: { status: 200, body: { user: null } } },
  {
    name: "an unknown token",
    cookie: "__Host-session=unknownid.secret",
    want: { status: 200, body: { user: null } },
  },
  {
    name: "a token far too long to be ours",
    cookie: `__Host-session=${"a".repeat(300)}`,
    want: { status: 200, body: { user: null } },
  },
  {
    name: "a valid session",
    cookie: `__Host-session=${GOOD_TOKEN}`,
    want: { status: 200, body: { user: signedInUser } },
  },
];

test.each(cases)("GET /api/session with $name", async ({ cookie, want }) => {
  const { request } = testApp();

  const response = await request("/api/session", { headers: cookie ? { cookie } : {} });

  expect({ status: response.status, body: await response.json() }).toEqual(want);
  expect(response.headers.get("cache-control")).toBe("no-store");
});

test("identity being down is a 503, not a signed-out answer that would send to Sign in", async () => {
  const identity = fakeIdentity({ failure: grpcError(status.UNAVAILABLE, "connect ECONNREFUSED") });
  const { request } = testApp({ identity });

  const response = await request("/api/session", {
    headers: { cookie: `__Host-session=${GOOD_TOKEN}` },
  });

  expect(response.status).toBe(503);
});

test("a signed-in check counts against the session's quota", async () => {
  const sessionLimiter = createMemoryRateLimiter({
    name: "session",
    limit: 1,
    windowSeconds: 60,
    now: () => 0,
  });
  const { request } = testApp({ sessionLimiter });
  const ask = () =>
    request("/api/session", { headers: { cookie: `__Host-session=${GOOD_TOKEN}` } });

  expect([(await ask()).status, (await ask()).status]).toEqual([200, 429]);
  // Signed out, there is no session to count against: nothing is refused.
  expect((await request("/api/session")).status).toBe(200);
});
