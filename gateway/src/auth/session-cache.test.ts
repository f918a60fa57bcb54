import { expect, test } from "bun:test";
import { serviceBusy } from "../errors.ts";
import { USER } from "../testing/fake-clients.ts";
import { validatorUnderTest as setup, TTL_MS } from "../testing/session-cache-setup.ts";
import type { ValidatedSession } from "./session-cache.ts";

const unauthenticated = () => Object.assign(new Error("invalid or expired session"), { code: 16 });

test("reuses a validated session within the TTL: one check for many requests", async () => {
  const { validator, checks, advance } = setup();

  const first = await validator.validate("t1");
  advance(TTL_MS / 2 - 1);
  const again = await validator.validate("t1");

  expect(again.user).toEqual(first.user);
  expect(checks).toEqual(["t1"]);
});

test("asks identity again once the TTL has passed", async () => {
  const { validator, checks, advance } = setup();

  await validator.validate("t1");
  advance(TTL_MS);
  await validator.validate("t1");

  expect(checks).toEqual(["t1", "t1"]);
});

test("past half the TTL, a request is answered from the cache and refreshes it in the background", async () => {
  const { validator, checks, advance, answerWith } = setup();
  await validator.validate("t1");
  advance(TTL_MS / 2);
  let release: (session: ValidatedSession) => void = () => undefined;
  answerWith(() => new Promise((resolve) => (release = resolve)));

  // Answered although the refresh has not come back.
  expect((await validator.validate("t1")).user?.id).toBe(USER.id);
  await validator.validate("t1");
  release({ user: USER, sessionExpireTime: new Date(2_000_000_000_000), renewed: false });
  await Bun.sleep(0);
  // Where the first entry ran out, the refreshed one still answers at once.
  advance(TTL_MS / 2);
  answerWith(() => new Promise(() => undefined));
  const later = validator.validate("t1");

  expect(
    await Promise.race([later.then(() => "answered"), Bun.sleep(20).then(() => "waiting")]),
  ).toBe("answered");
  expect(checks).toEqual(["t1", "t1", "t1"]);
});

test.each([
  [0, 0.5],
  [0.5, 0.7],
  [0.999, 0.8996],
])("with a draw of %p, the refresh starts at %p of the TTL, not before", async (draw, fraction) => {
  const { validator, checks, advance } = setup({ random: () => draw });
  await validator.validate("t1");

  advance(Math.floor(TTL_MS * fraction) - 1);
  await validator.validate("t1");
  expect(checks).toEqual(["t1"]);

  advance(1);
  await validator.validate("t1");
  expect(checks).toEqual(["t1", "t1"]);
});

test("at most maxBackgroundChecks refreshes run at once; a skipped one is retried by a later request", async () => {
  const { validator, checks, advance, answerWith } = setup({ maxBackgroundChecks: 2 });
  for (const token of ["a", "b", "c"]) {
    await validator.validate(token);
  }
  advance(TTL_MS / 2);
  const pending: ((session: ValidatedSession) => void)[] = [];
  answerWith(() => new Promise((resolve) => pending.push(resolve)));
  checks.length = 0;

  for (const token of ["a", "b", "c"]) {
    expect((await validator.validate(token)).user?.id).toBe(USER.id);
  }
  expect(checks).toEqual(["a", "b"]);

  pending[0]?.({ user: USER, sessionExpireTime: new Date(2_000_000_000_000), renewed: false });
  await Bun.sleep(0);
  await validator.validate("c");
  expect(checks).toEqual(["a", "b", "c"]);
});

test("a refresh whose check throws at once still answers from the cache and frees its slot", async () => {
  const { validator, checks, advance, answerWith } = setup({ maxBackgroundChecks: 1 });
  await validator.validate("a");
  await validator.validate("b");
  advance(TTL_MS / 2);
  answerWith(() => {
    throw new Error("client closed");
  });
  checks.length = 0;

  expect((await validator.validate("a")).user?.id).toBe(USER.id);
  await Bun.sleep(0);
  await validator.validate("b");

  expect(checks).toEqual(["a", "b"]);
});

test("a background refresh that identity refuses removes the session at once", async () => {
  const { validator, advance, answerWith } = setup();
  await validator.validate("t1");
  advance(TTL_MS / 2);
  answerWith(async () => {
    throw unauthenticated();
  });

  await validator.validate("t1");
  await Bun.sleep(0);

  await expect(validator.validate("t1")).rejects.toThrow("invalid or expired session");
});

test.each([
  {
    name: "one identity did not answer drops the entry: the next request waits for a check",
    error: () => Object.assign(new Error("unavailable"), { code: 14, details: "unavailable" }),
    next: "waiting",
  },
  {
    name: "one the gateway shed (identity never asked) keeps the entry within its TTL",
    error: serviceBusy,
    next: "answered",
  },
])("a failed background refresh: $name", async ({ error, next }) => {
  const { validator, advance, answerWith } = setup();
  await validator.validate("t1");
  advance(TTL_MS / 2);
  answerWith(async () => {
    throw error();
  });
  await validator.validate("t1");
  await Bun.sleep(0);
  answerWith(() => new Promise(() => undefined));

  const later = validator.validate("t1");

  expect(
    await Promise.race([later.then(() => "answered"), Bun.sleep(20).then(() => "waiting")]),
  ).toBe(next);
});

test("never serves an entry later than the TTL after the check that produced it", async () => {
  const { validator, checks, advance, answerWith } = setup();
  await validator.validate("t1");
  advance(TTL_MS / 2);
  // A refresh that never answers: the old entry must still run out on time.
  answerWith(() => new Promise(() => undefined));
  await validator.validate("t1");
  advance(TTL_MS / 2);

  const late = validator.validate("t1");

  expect(
    await Promise.race([late.then(() => "answered"), Bun.sleep(20).then(() => "waiting")]),
  ).toBe("waiting");
  expect(checks).toEqual(["t1", "t1"]);
});

test("never reuses a session past its own expiry, even within the TTL", async () => {
  const { validator, checks, advance } = setup({ expiresInMs: 1_000 });

  await validator.validate("t1");
  advance(1_000);
  await validator.validate("t1");

  expect(checks).toEqual(["t1", "t1"]);
});

test("never caches a refusal: junk tokens cannot fill the cache or stick", async () => {
  const { validator, checks, answerWith } = setup();
  answerWith(async () => {
    throw unauthenticated();
  });

  await expect(validator.validate("junk")).rejects.toThrow("invalid or expired session");
  await expect(validator.validate("junk")).rejects.toThrow("invalid or expired session");

  expect(checks).toEqual(["junk", "junk"]);
});

test("concurrent requests with one cookie share a single check", async () => {
  const { validator, checks, answerWith } = setup();
  let release: (session: ValidatedSession) => void = () => undefined;
  answerWith(() => new Promise((resolve) => (release = resolve)));

  const waiting = [validator.validate("t1"), validator.validate("t1"), validator.validate("t1")];
  release({ user: USER, sessionExpireTime: new Date(2_000_000_000_000), renewed: false });

  expect((await Promise.all(waiting)).map((session) => session.user?.id)).toEqual([
    USER.id,
    USER.id,
    USER.id,
  ]);
  expect(checks).toEqual(["t1"]);
});

test("forget (logout) drops a cached session at once", async () => {
  const { validator, checks } = setup();

  await validator.validate("t1");
  validator.forget("t1");
  await validator.validate("t1");

  expect(checks).toEqual(["t1", "t1"]);
});

test("a check that was in flight when the session was forgotten is not cached", async () => {
  const { validator, checks, answerWith } = setup();
  let release: (session: ValidatedSession) => void = () => undefined;
  answerWith(() => new Promise((resolve) => (release = resolve)));

  const racing = validator.validate("t1");
  validator.forget("t1");
  release({ user: USER, sessionExpireTime: new Date(2_000_000_000_000), renewed: false });
  await racing;
  answerWith(async () => {
    throw unauthenticated();
  });

  await expect(validator.validate("t1")).rejects.toThrow("invalid or expired session");
  expect(checks).toEqual(["t1", "t1"]);
});

test("only the answer that slid the expiry says renewed; a reuse does not set the cookie again", async () => {
  const { validator, answerWith } = setup();
  answerWith(async () => ({
    user: USER,
    sessionExpireTime: new Date(2_000_000_000_000),
    renewed: true,
  }));

  expect((await validator.validate("t1")).renewed).toBe(true);
  expect((await validator.validate("t1")).renewed).toBe(false);
});

test("holds at most maxEntries sessions, dropping the least recently used", async () => {
  const { validator, checks } = setup({ maxEntries: 2 });

  await validator.validate("a");
  await validator.validate("b");
  await validator.validate("a");
  await validator.validate("c");
  checks.length = 0;
  await validator.validate("a");
  await validator.validate("c");
  await validator.validate("b");

  expect(checks).toEqual(["b"]);
});

test("a TTL of 0 turns the cache off: every request asks identity", async () => {
  const { validator, checks } = setup({ ttlMs: 0 });

  await validator.validate("t1");
  await validator.validate("t1");

  expect(checks).toEqual(["t1", "t1"]);
});

test("background refreshes ask through `refresh`; a miss, which a request waits for, through the check", async () => {
  const { validator, checks, refreshes, advance } = setup({ separateRefresh: true });

  await validator.validate("t1");
  advance(TTL_MS / 2);
  await validator.validate("t1");
  await Bun.sleep(0);
  validator.forget("t1");
  await validator.validate("t1");

  expect({ checks, refreshes }).toEqual({ checks: ["t1", "t1"], refreshes: ["t1"] });
});
