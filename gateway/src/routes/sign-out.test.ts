import { expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import type { IdentityClient } from "../clients.ts";
import {
  type Call,
  fakeIdentity,
  GOOD_TOKEN,
  grpcError,
  OTHER_DEVICE_TOKEN,
  USER,
} from "../testing/fake-clients.ts";
import { signedIn, testApp } from "../testing/test-app.ts";

const EXPIRED_COOKIE = /^__Host-session=; .*Expires=Thu, 01 Jan 1970/;

const expiresCookie = (response: Response): boolean =>
  response.headers.getSetCookie().some((line) => EXPIRED_COOKIE.test(line));

/**
 * Identity whose deletes wait for `finish`: a logout the test can hold in flight. `deleting`
 * resolves once the gateway has asked for the delete.
 */
function slowDeletes() {
  const identity = fakeIdentity();
  let finish: () => void = () => undefined;
  let asked: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (finish = resolve));
  const deleting = new Promise<void>((resolve) => (asked = resolve));
  const slow: IdentityClient & { calls: Call[] } = {
    ...identity,
    deleteSession: (request) => {
      asked();
      return released.then(() => identity.deleteSession(request));
    },
    deleteUserSessions: (request) => {
      asked();
      return released.then(() => identity.deleteUserSessions(request));
    },
  };
  return { identity: slow, deleting, finish };
}

test("a request that races a logout cannot put the session back in the cache", async () => {
  const { identity, deleting, finish } = slowDeletes();
  const { request } = testApp({ identity });

  const logout = request("/auth/logout", { method: "POST", headers: signedIn() });
  await deleting;
  // Identity has not deleted yet: this request is let in, as it would be a moment earlier.
  const during = await request("/api/me", { headers: signedIn() });
  finish();
  const loggedOut = await logout;
  const after = await request("/api/me", { headers: signedIn() });

  expect([during.status, loggedOut.status, after.status]).toEqual([200, 204, 401]);
});

test("a request that races signing out everywhere cannot put a session back in the cache", async () => {
  const { identity, deleting, finish } = slowDeletes();
  const { request } = testApp({ identity });
  const phone = signedIn({ cookie: `__Host-session=${OTHER_DEVICE_TOKEN}` });

  const everywhere = request("/auth/logout-everywhere", { method: "POST", headers: signedIn() });
  await deleting;
  const during = await request("/api/me", { headers: phone });
  finish();
  const ended = await everywhere;
  const after = await request("/api/me", { headers: phone });

  expect([during.status, ended.status, after.status]).toEqual([200, 204, 401]);
});

test("signing out everywhere ends every session of the user, here and in identity", async () => {
  const identity = fakeIdentity();
  const { request } = testApp({ identity });
  const phone = signedIn({ cookie: `__Host-session=${OTHER_DEVICE_TOKEN}` });
  // Both sessions are in this gateway's cache.
  expect((await request("/api/me", { headers: signedIn() })).status).toBe(200);
  expect((await request("/api/me", { headers: phone })).status).toBe(200);

  const response = await request("/auth/logout-everywhere", {
    method: "POST",
    headers: signedIn(),
  });

  expect(response.status).toBe(204);
  expect(expiresCookie(response)).toBe(true);
  expect(response.headers.get("cache-control")).toBe("no-store");
  const after = [signedIn(), phone].map((headers) => request("/api/me", { headers }));
  expect((await Promise.all(after)).map((r) => r.status)).toEqual([401, 401]);
  expect(identity.calls.filter((call) => call.method === "deleteUserSessions")).toEqual([
    { method: "deleteUserSessions", request: { userId: USER.id } },
  ]);
});

const refusals = [
  {
    name: "without a session cookie",
    headers: { "sec-fetch-site": "same-origin" },
    want: 401,
  },
  {
    name: "with a session identity does not know",
    headers: signedIn({ cookie: "__Host-session=unknownid.secret" }),
    want: 401,
  },
  {
    name: "from another site",
    headers: signedIn({ "sec-fetch-site": "cross-site" }),
    want: 403,
  },
  {
    name: "with no proof of where it came from",
    headers: { cookie: `__Host-session=${GOOD_TOKEN}` },
    want: 403,
  },
];

test.each(refusals)("signing out everywhere $name answers $want and ends nothing", async (row) => {
  const identity = fakeIdentity();
  const { request } = testApp({ identity });

  const response = await request("/auth/logout-everywhere", {
    method: "POST",
    headers: row.headers,
  });

  expect(response.status).toBe(row.want);
  expect(identity.calls.some((call) => call.method === "deleteUserSessions")).toBe(false);
  expect((await request("/api/me", { headers: signedIn() })).status).toBe(200);
});

test("signing out everywhere while identity is down is a 503 that keeps the cookie", async () => {
  const identity = fakeIdentity({ failure: grpcError(status.UNAVAILABLE, "connect ECONNREFUSED") });
  const { request } = testApp({ identity });

  const response = await request("/auth/logout-everywhere", {
    method: "POST",
    headers: signedIn(),
  });

  expect(response.status).toBe(503);
  expect(expiresCookie(response)).toBe(false);
});

test("GET /auth/logout-everywhere does not exist: it changes state", async () => {
  const { request } = testApp();
  expect((await request("/auth/logout-everywhere", { headers: signedIn() })).status).toBe(404);
});
