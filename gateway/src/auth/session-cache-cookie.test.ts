import { expect, test } from "bun:test";
import { USER } from "../testing/fake-clients.ts";
import { DAY_MS, TTL_MS, validatorUnderTest } from "../testing/session-cache-setup.ts";
import type { ValidatedSession } from "./session-cache.ts";

// The cookie follows every renewal: the first request after a check that moved the session's
// expiry answers `renewed` with the new expiry (the guard then sets the cookie), the ones after
// it do not. Before this, a renewal that a background refresh brought was dropped.

const FIRST_EXPIRY = new Date(1_000_000 + 30 * DAY_MS);
const LATER_EXPIRY = new Date(1_000_000 + 45 * DAY_MS);

/** What each request carried: the expiry, and whether it sets the cookie. */
const seen = (session: ValidatedSession) => ({
  expires: session.sessionExpireTime,
  setsCookie: session.renewed,
});

/** A cached session whose background refresh (at half the TTL) answers `refreshed`. */
async function refreshedTo(refreshed: ValidatedSession) {
  const cache = validatorUnderTest();
  cache.answerWith(async () => ({ user: USER, sessionExpireTime: FIRST_EXPIRY, renewed: false }));
  const first = await cache.validator.validate("t1");
  cache.advance(TTL_MS / 2);
  cache.answerWith(async () => refreshed);
  // Answered from the cache at once; the refresh runs behind it.
  const during = await cache.validator.validate("t1");
  await Bun.sleep(0);
  return { cache, first, during };
}

test.each([
  {
    name: "a refresh that renewed the session",
    refreshed: { user: USER, sessionExpireTime: LATER_EXPIRY, renewed: true },
    want: { expires: LATER_EXPIRY, setsCookie: true },
  },
  {
    name: "a refresh that found the session renewed elsewhere (another gateway)",
    refreshed: { user: USER, sessionExpireTime: LATER_EXPIRY, renewed: false },
    want: { expires: LATER_EXPIRY, setsCookie: true },
  },
  {
    name: "a refresh that found the same expiry",
    refreshed: { user: USER, sessionExpireTime: FIRST_EXPIRY, renewed: false },
    want: { expires: FIRST_EXPIRY, setsCookie: false },
  },
])("after $name, the next request carries it, and only that one", async ({ refreshed, want }) => {
  const { cache, first, during } = await refreshedTo(refreshed);

  const next = await cache.validator.validate("t1");
  const after = await cache.validator.validate("t1");

  expect([first, during].map(seen)).toEqual([
    { expires: FIRST_EXPIRY, setsCookie: false },
    { expires: FIRST_EXPIRY, setsCookie: false },
  ]);
  expect(seen(next)).toEqual(want);
  expect(seen(after)).toEqual({ expires: refreshed.sessionExpireTime, setsCookie: false });
});

test("a renewal a refresh brought reaches a request that comes after the TTL ran out", async () => {
  const { cache } = await refreshedTo({
    user: USER,
    sessionExpireTime: LATER_EXPIRY,
    renewed: true,
  });
  cache.advance(TTL_MS);
  // Identity renewed already: this check says nothing moved.
  cache.answerWith(async () => ({ user: USER, sessionExpireTime: LATER_EXPIRY, renewed: false }));

  const next = await cache.validator.validate("t1");

  expect(seen(next)).toEqual({ expires: LATER_EXPIRY, setsCookie: true });
  expect(cache.checks).toEqual(["t1", "t1", "t1"]);
  expect(seen(await cache.validator.validate("t1")).setsCookie).toBe(false);
});

test("of requests sharing a check that renewed, one sets the cookie", async () => {
  const cache = validatorUnderTest();
  let release: (session: ValidatedSession) => void = () => undefined;
  cache.answerWith(() => new Promise((resolve) => (release = resolve)));

  const waiting = [cache.validator.validate("t1"), cache.validator.validate("t1")];
  release({ user: USER, sessionExpireTime: LATER_EXPIRY, renewed: true });

  expect((await Promise.all(waiting)).map(seen)).toEqual([
    { expires: LATER_EXPIRY, setsCookie: true },
    { expires: LATER_EXPIRY, setsCookie: false },
  ]);
});

test("with the cache off, identity's own answer says when to set the cookie", async () => {
  const cache = validatorUnderTest({ ttlMs: 0 });
  cache.answerWith(async () => ({ user: USER, sessionExpireTime: LATER_EXPIRY, renewed: true }));

  expect(seen(await cache.validator.validate("t1")).setsCookie).toBe(true);
  expect(seen(await cache.validator.validate("t1")).setsCookie).toBe(true);
});
