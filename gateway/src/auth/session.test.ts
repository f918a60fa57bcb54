import { expect, test } from "bun:test";
import { loadConfig } from "../config.ts";
import { fakeIdentity, USER } from "../testing/fake-clients.ts";
import { APP_ORIGIN, signedIn, TEST_SIGNING_KEY, testApp } from "../testing/test-app.ts";

// The session cookie's Expires follows the session's: whenever identity's expiry moved since the
// cookie was last set, the next response sets it again.

const FIRST = new Date("2026-12-30T00:00:00.000Z");
const LATER = new Date("2027-01-14T00:00:00.000Z");

/** Identity whose sessions expire at `expiry.at`, which the test moves; never `renewed`. */
function movingExpiry() {
  const expiry = { at: FIRST };
  const identity = {
    ...fakeIdentity(),
    validateSession: async () => ({ user: USER, sessionExpireTime: expiry.at, renewed: false }),
  };
  return { identity, expiry };
}

/** Long enough for a check to finish within it on a loaded machine; the test sleeps past it. */
const TTL_MS = 300;

const cookieExpiry = (response: Response): string | null =>
  /Expires=([^;]+)/.exec(response.headers.get("set-cookie") ?? "")?.[1] ?? null;

test("a session renewed since the cached check sets the cookie on the next request, once", async () => {
  const { identity, expiry } = movingExpiry();
  const config = loadConfig({
    CALLER_SIGNING_KEY: TEST_SIGNING_KEY,
    APP_ORIGIN,
    LOG_LEVEL: "silent",
    SESSION_CACHE_TTL_MS: String(TTL_MS),
  });
  const { request } = testApp({ identity, config });
  // The app's first request is slow (compilation): its check could take longer than the TTL.
  await request("/api/me", { headers: signedIn({ cookie: "__Host-session=warm.up" }) });

  const first = await request("/api/me", { headers: signedIn() });
  // Renewed elsewhere (a background refresh, another gateway): the next check answers
  // renewed=false, after the cached entry ran out, so no refresh-ahead intervenes.
  expiry.at = LATER;
  await Bun.sleep(TTL_MS + 50);
  const next = await request("/api/me", { headers: signedIn() });
  const after = await request("/api/me", { headers: signedIn() });

  expect([first, next, after].map(cookieExpiry)).toEqual([null, LATER.toUTCString(), null]);
});
