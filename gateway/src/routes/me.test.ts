import { expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import { fakeIdentity, GOOD_TOKEN, grpcError, USER } from "../testing/fake-clients.ts";
import { testApp } from "../testing/test-app.ts";

const cases = [
  { name: "no cookie", cookie: undefined, want: 401, validated: [] },
  {
    name: "an unknown token",
    cookie: "__Host-session=unknownid.secret",
    want: 401,
    validated: ["unknownid.secret"],
  },
  {
    name: "a token far too long to be ours",
    cookie: `__Host-session=${"a".repeat(300)}`,
    want: 401,
    validated: [],
  },
  {
    name: "a cookie without the __Host- prefix",
    cookie: `session=${GOOD_TOKEN}`,
    want: 401,
    validated: [],
  },
  {
    name: "a valid session",
    cookie: `__Host-session=${GOOD_TOKEN}`,
    want: 200,
    validated: [GOOD_TOKEN],
  },
];

test.each(cases)("GET /api/me with $name answers $want", async ({ cookie, want, validated }) => {
  const identity = fakeIdentity();
  const { request } = testApp({ identity });

  const response = await request("/api/me", { headers: cookie ? { cookie } : {} });

  expect(response.status).toBe(want);
  expect(
    identity.calls.map((call) => (call.request as { sessionToken: string }).sessionToken),
  ).toEqual(validated);
});

test("GET /api/me answers the user as JSON", async () => {
  const { request } = testApp();

  const response = await request("/api/me", {
    headers: { cookie: `__Host-session=${GOOD_TOKEN}` },
  });

  expect(await response.json()).toEqual({
    id: USER.id,
    name: USER.name,
    email: USER.email,
    avatarUrl: USER.avatarUrl,
    createTime: "2026-01-02T03:04:05.000Z",
  });
});

test("a renewed session sets the cookie again with the new expiry", async () => {
  const { request } = testApp({ identity: fakeIdentity({ renewed: true }) });

  const response = await request("/api/me", {
    headers: { cookie: `__Host-session=${GOOD_TOKEN}` },
  });

  expect(response.headers.get("set-cookie")).toBe(
    `__Host-session=${GOOD_TOKEN}; Path=/; Expires=Wed, 30 Dec 2026 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax`,
  );
});

test("a session that is not renewed sets no cookie", async () => {
  const { request } = testApp();

  const response = await request("/api/me", {
    headers: { cookie: `__Host-session=${GOOD_TOKEN}` },
  });

  expect(response.headers.get("set-cookie")).toBeNull();
});

test("identity being down is a 503, not a 401 that would sign the user out", async () => {
  const identity = fakeIdentity({ failure: grpcError(status.UNAVAILABLE, "connect ECONNREFUSED") });
  const { request } = testApp({ identity });

  const response = await request("/api/me", {
    headers: { cookie: `__Host-session=${GOOD_TOKEN}` },
  });

  expect(response.status).toBe(503);
});

test("a session checked moments ago is answered from the gateway's cache: one identity call", async () => {
  const identity = fakeIdentity();
  const { request } = testApp({ identity });

  const answers = [];
  for (let i = 0; i < 3; i++) {
    answers.push(
      (await request("/api/me", { headers: { cookie: `__Host-session=${GOOD_TOKEN}` } })).status,
    );
  }

  expect(answers).toEqual([200, 200, 200]);
  expect(identity.calls.map((call) => call.method)).toEqual(["validateSession"]);
});
