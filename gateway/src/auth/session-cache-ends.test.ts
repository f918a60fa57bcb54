import { expect, test } from "bun:test";
import type { User } from "@trellis/contracts/identity/v1";
import { USER } from "../testing/fake-clients.ts";
import { DAY_MS, validatorUnderTest } from "../testing/session-cache-setup.ts";
import type { ValidatedSession } from "./session-cache.ts";

// Ending sessions (logout, sign out everywhere): identity deletes first, then the cache drops
// what it holds, and no check that raced the end puts a session back.

const OTHER: User = { ...USER, id: "0190a1b2-0000-7000-8000-00000000000b", name: "Bob" };
const refused = () => Object.assign(new Error("invalid or expired session"), { code: 16 });

/** Identity as the test drives it: sessions live until `deleted`, answers held until released. */
function identityUnderTest() {
  const cache = validatorUnderTest();
  const deleted = new Set<string>();
  const held: (() => void)[] = [];
  let holding = false;
  cache.answerWith((token) => {
    // The answer is decided when identity reads the row: before or after the delete.
    const answer: Promise<ValidatedSession> = deleted.has(token)
      ? Promise.reject(refused())
      : Promise.resolve({
          user: token.startsWith("bob") ? OTHER : USER,
          sessionExpireTime: new Date(cache.now() + 30 * DAY_MS),
          renewed: false,
        });
    if (!holding) {
      return answer;
    }
    return new Promise((resolve) => held.push(() => resolve(answer)));
  });
  /** A delete that waits for `finish`, as a slow DeleteSession would. */
  const slowDelete = (...tokens: string[]) => {
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve)).then(() => {
      for (const token of tokens) {
        deleted.add(token);
      }
    });
    return { remove: () => done, finish };
  };
  return {
    ...cache,
    slowDelete,
    /** Holds identity's answers (read already) until `release`. */
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const send of held.splice(0)) {
        send();
      }
    },
  };
}

const outcome = (pending: Promise<ValidatedSession>) =>
  pending.then(
    (session) => session.user?.name ?? "no user",
    () => "refused",
  );

test("a logout deletes in identity first: the cached session serves until the delete is done", async () => {
  const identity = identityUnderTest();
  await identity.validator.validate("ada1");
  const { remove, finish } = identity.slowDelete("ada1");

  const ending = identity.validator.end("ada1", remove);
  const during = await outcome(identity.validator.validate("ada1"));
  finish();
  await ending;
  const after = await outcome(identity.validator.validate("ada1"));

  expect({ during, after }).toEqual({ during: "Ada Lovelace", after: "refused" });
  expect(identity.checks).toEqual(["ada1", "ada1"]);
});

test("a check that starts during a logout, answered before the delete, is not cached", async () => {
  const identity = identityUnderTest();
  const { remove, finish } = identity.slowDelete("ada1");

  const ending = identity.validator.end("ada1", remove);
  // Identity still has the session: this request is let in, as it would be a moment earlier.
  expect(await outcome(identity.validator.validate("ada1"))).toBe("Ada Lovelace");
  finish();
  await ending;

  expect(await outcome(identity.validator.validate("ada1"))).toBe("refused");
  expect(identity.checks).toEqual(["ada1", "ada1"]);
});

test("a check answered before the delete but arriving after the logout is not cached", async () => {
  const identity = identityUnderTest();
  const { remove, finish } = identity.slowDelete("ada1");
  identity.hold();
  const racing = identity.validator.validate("ada1");

  const ending = identity.validator.end("ada1", remove);
  finish();
  await ending;
  identity.release();
  await racing;

  expect(await outcome(identity.validator.validate("ada1"))).toBe("refused");
});

test("a logout that fails at identity still drops the cached session, and rejects", async () => {
  const identity = identityUnderTest();
  await identity.validator.validate("ada1");

  const ending = identity.validator.end("ada1", () => Promise.reject(new Error("unavailable")));

  await expect(ending).rejects.toThrow("unavailable");
  await identity.validator.validate("ada1");
  expect(identity.checks).toEqual(["ada1", "ada1"]);
});

test("signing out everywhere drops every cached session of the user and no one else's", async () => {
  const identity = identityUnderTest();
  for (const token of ["ada1", "ada2", "bob1"]) {
    await identity.validator.validate(token);
  }
  const { remove, finish } = identity.slowDelete("ada1", "ada2");

  const ending = identity.validator.endAllOf(USER.id, async () => {
    await remove();
    return { deletedCount: 2 };
  });
  const during = await outcome(identity.validator.validate("ada2"));
  finish();

  expect(await ending).toEqual({ deletedCount: 2 });
  expect(during).toBe("Ada Lovelace");
  const after = await Promise.all(
    ["ada1", "ada2", "bob1"].map((t) => outcome(identity.validator.validate(t))),
  );
  expect(after).toEqual(["refused", "refused", "Bob"]);
  // Bob's session was still cached; Ada's two were asked again.
  expect(identity.checks).toEqual(["ada1", "ada2", "bob1", "ada1", "ada2"]);
});

test("a check of the user's session that races signing out everywhere is not cached", async () => {
  const identity = identityUnderTest();
  const { remove, finish } = identity.slowDelete("ada1");
  identity.hold();
  const racing = identity.validator.validate("ada1");

  const ending = identity.validator.endAllOf(USER.id, remove);
  finish();
  await ending;
  identity.release();

  expect(await outcome(racing)).toBe("Ada Lovelace");
  expect(await outcome(identity.validator.validate("ada1"))).toBe("refused");
});
