import { expect, test } from "bun:test";
import type { User } from "@trellis/contracts/identity/v1";
import { USER } from "../testing/fake-clients.ts";
import { fakeSessionEndBus } from "../testing/fake-session-end-bus.ts";
import { DAY_MS, TTL_MS, validatorUnderTest } from "../testing/session-cache-setup.ts";
import type { ValidatedSession } from "./session-cache.ts";
import { withSharedEnds } from "./shared-session-ends.ts";

// Two gateway replicas, A and B, each with its own session cache, joined by one channel: what
// one ends, the other stops serving at once; while the channel is lost, entries live a second.

const OTHER: User = { ...USER, id: "0190a1b2-0000-7000-8000-00000000000b", name: "Bob" };

/** A replica: its cache over an identity that knows Ada's tokens ("ada…") and Bob's. */
function replica(bus: ReturnType<typeof fakeSessionEndBus>) {
  const under = validatorUnderTest();
  under.answerWith(async (token) => ({
    user: token.startsWith("bob") ? OTHER : USER,
    sessionExpireTime: new Date(under.now() + 30 * DAY_MS),
    renewed: false,
  }));
  return { ...under, sessions: withSharedEnds(under.validator, bus.channel()) };
}

function twoReplicas() {
  const bus = fakeSessionEndBus();
  return { bus, a: replica(bus), b: replica(bus) };
}

/** Asks B about `tokens` and says which ones it had to ask identity about. */
async function askedOf(b: ReturnType<typeof replica>, tokens: string[]): Promise<string[]> {
  b.checks.length = 0;
  for (const token of tokens) {
    await b.sessions.validate(token);
  }
  return [...b.checks];
}

test("a logout through A drops that session from B's cache at once, and only that one", async () => {
  const { a, b } = twoReplicas();
  await askedOf(b, ["ada1.secret", "ada2.secret"]);

  await a.sessions.end("ada1.secret", async () => undefined);

  expect(await askedOf(b, ["ada1.secret", "ada2.secret"])).toEqual(["ada1.secret"]);
});

test("signing out everywhere through A drops every session of the user from B, no one else's", async () => {
  const { a, b } = twoReplicas();
  await askedOf(b, ["ada1.secret", "ada2.secret", "bob1.secret"]);

  await a.sessions.endAllOf(USER.id, async () => ({ deletedCount: 2 }));

  expect(await askedOf(b, ["ada1.secret", "ada2.secret", "bob1.secret"])).toEqual([
    "ada1.secret",
    "ada2.secret",
  ]);
});

test.each([
  { name: "after identity's delete", remove: async () => undefined, rejects: false },
  {
    name: "also when identity's delete fails",
    remove: () => Promise.reject(new Error("unavailable")),
    rejects: true,
  },
])("the end is published $name, by session id, never the token", async ({ remove, rejects }) => {
  const { bus, a } = twoReplicas();
  const order: string[] = [];

  const ending = a.sessions.end("ada1.secret", async () => {
    order.push(`delete, ${bus.published.length} published`);
    return remove();
  });

  await (rejects ? expect(ending).rejects.toThrow() : expect(ending).resolves.toBeUndefined());
  expect(order).toEqual(["delete, 0 published"]);
  expect(bus.published).toEqual([{ sessionId: "ada1" }]);
});

test("a check B started before the end arrived caches nothing", async () => {
  const { a, b } = twoReplicas();
  let release: (session: ValidatedSession) => void = () => undefined;
  b.answerWith(() => new Promise((resolve) => (release = resolve)));
  const racing = b.sessions.validate("ada1.secret");

  await a.sessions.end("ada1.secret", async () => undefined);
  // Identity read the row before the delete: this request is let in, as a moment earlier.
  release({ user: USER, sessionExpireTime: new Date(b.now() + DAY_MS), renewed: false });
  await racing;
  b.answerWith(async () => ({
    user: USER,
    sessionExpireTime: new Date(b.now() + DAY_MS),
    renewed: false,
  }));

  expect(await askedOf(b, ["ada1.secret"])).toEqual(["ada1.secret"]);
});

test("while the ends cannot reach B, it empties its cache and keeps an entry at most a second", async () => {
  const { bus, b } = twoReplicas();
  await askedOf(b, ["ada1.secret"]);

  bus.setReached(false);
  const afterLoss = await askedOf(b, ["ada1.secret"]);
  b.advance(400);
  const within = await askedOf(b, ["ada1.secret"]);
  b.advance(600);
  const aSecondOn = await askedOf(b, ["ada1.secret"]);

  expect({ afterLoss, within, aSecondOn }).toEqual({
    afterLoss: ["ada1.secret"],
    within: [],
    aSecondOn: ["ada1.secret"],
  });
});

test("once the ends reach B again, entries live the whole TTL", async () => {
  const { bus, b } = twoReplicas();
  bus.setReached(false);
  bus.setReached(true);

  await askedOf(b, ["ada1.secret"]);
  b.advance(TTL_MS / 2 - 1);

  expect(await askedOf(b, ["ada1.secret"])).toEqual([]);
});

test("without a channel (no SHARED_STATE_URL) the cache is used as it is", () => {
  const { validator } = validatorUnderTest();
  expect(withSharedEnds(validator, undefined)).toBe(validator);
});

test.each([
  { name: "is lost", transitions: [false] },
  { name: "comes back", transitions: [false, true] },
])("a check in flight when the channel $name caches nothing", async ({ transitions }) => {
  const { bus, b } = twoReplicas();
  if (transitions.length > 1) {
    bus.setReached(false);
  }
  let release: (session: ValidatedSession) => void = () => undefined;
  b.answerWith(() => new Promise((resolve) => (release = resolve)));
  const racing = b.sessions.validate("ada1.secret");

  bus.setReached(transitions.at(-1) ?? true);
  release({ user: USER, sessionExpireTime: new Date(b.now() + DAY_MS), renewed: false });
  await racing;
  b.answerWith(async () => ({
    user: USER,
    sessionExpireTime: new Date(b.now() + DAY_MS),
    renewed: false,
  }));

  expect(await askedOf(b, ["ada1.secret"])).toEqual(["ada1.secret"]);
});
