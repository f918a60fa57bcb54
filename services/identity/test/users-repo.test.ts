import { afterAll, describe, expect, test } from "bun:test";
import { supportsConcurrentConnections } from "@trellis/testing";
import { createUsersRepo } from "../src/db/users.ts";
import type { OAuthAccount, Profile } from "../src/user.ts";
import { identityDatabase } from "./identity-server.ts";

const db = await identityDatabase();
afterAll(() => db.close());

const users = createUsersRepo(db.sql);
const signal = new AbortController().signal;

/** Each test gets its own provider identity, so tests share the database without colliding. */
function github(): OAuthAccount {
  return { provider: "github", providerUserId: String(Math.floor(Math.random() * 2 ** 48)) };
}

const profile: Profile = {
  name: "Ada",
  email: "ada@example.org",
  avatarUrl: "https://a.example/a",
};

describe("upsertForAccount", () => {
  test("creates the user and the link on the first login", async () => {
    const id = Bun.randomUUIDv7();
    const got = await users.upsertForAccount(github(), profile, id, signal);
    expect(got).toEqual({ user: { id, ...profile, createdAt: expect.any(Date) }, created: true });
    expect(await users.findById(id, signal)).toEqual(got.user);
  });

  test("finds the linked user later, writes the new profile over theirs and keeps the rest", async () => {
    const account = github();
    const first = await users.upsertForAccount(account, profile, Bun.randomUUIDv7(), signal);
    const unused = Bun.randomUUIDv7();
    const newer = { name: "Ada L.", email: "", avatarUrl: "" };
    const second = await users.upsertForAccount(account, newer, unused, signal);
    expect(second).toEqual({ user: { ...first.user, ...newer }, created: false });
    expect(await users.findById(first.user.id, signal)).toEqual(second.user);
    expect(await users.findById(unused, signal)).toBeNull();
  });

  test("gives the same provider_user_id at another provider, and the same email, another user", async () => {
    const account = github();
    const onGitHub = await users.upsertForAccount(account, profile, Bun.randomUUIDv7(), signal);
    const onGoogle = await users.upsertForAccount(
      { ...account, provider: "google" },
      profile,
      Bun.randomUUIDv7(),
      signal,
    );
    expect(onGoogle.created).toBe(true);
    expect(onGoogle.user.id).not.toBe(onGitHub.user.id);
  });

  test("keeps text as given, quotes and all", async () => {
    const tricky = { name: "O'Brien; DROP TABLE users; --", email: "\\x00", avatarUrl: "" };
    const got = await users.upsertForAccount(github(), tricky, Bun.randomUUIDv7(), signal);
    expect(await users.findById(got.user.id, signal)).toMatchObject(tricky);
  });
});

describe("findById", () => {
  test("returns null for an id nobody has", async () => {
    expect(await users.findById(Bun.randomUUIDv7(), signal)).toBeNull();
  });
});

describe.skipIf(!(await supportsConcurrentConnections()))(
  "concurrent first logins of one identity (needs several connections; the embedded fallback has one)",
  () => {
    test("the loser of the unique race re-reads the winner's user", async () => {
      const account = github();
      const winnerId = Bun.randomUUIDv7();
      let commit = (): void => {};
      const committed = new Promise<void>((resolve) => {
        commit = resolve;
      });
      let inserted = (): void => {};
      const linked = new Promise<void>((resolve) => {
        inserted = resolve;
      });
      // The winner links the account and holds its transaction open.
      const winner = db.sql.begin(async (tx) => {
        await tx`INSERT INTO users (id, name) VALUES (${winnerId}, 'winner')`;
        await tx`
          INSERT INTO oauth_accounts (provider, provider_user_id, user_id)
          VALUES (${account.provider}, ${account.providerUserId}, ${winnerId})`;
        inserted();
        await committed;
      });
      await linked;
      const loserId = Bun.randomUUIDv7();
      const loser = users.upsertForAccount(account, profile, loserId, signal);
      await waitForLockWait();
      commit();
      await winner;
      expect(await loser).toEqual({
        user: { id: winnerId, ...profile, createdAt: expect.any(Date) },
        created: false,
      });
      expect(await users.findById(loserId, signal)).toBeNull();
    });

    test("eight logins at once, for each of five identities, end with one user each", async () => {
      const accounts = Array.from({ length: 5 }, github);
      const results = await Promise.all(
        accounts.flatMap((account) =>
          Array.from({ length: 8 }, () =>
            users.upsertForAccount(account, profile, Bun.randomUUIDv7(), signal),
          ),
        ),
      );
      for (let i = 0; i < accounts.length; i++) {
        const mine = results.slice(i * 8, i * 8 + 8);
        expect(new Set(mine.map((result) => result.user.id)).size).toBe(1);
        expect(mine.filter((result) => result.created)).toHaveLength(1);
      }
      const ids = results.map((result) => result.user.id);
      const [row] = await db.sql<{ count: number }[]>`
        SELECT count(*)::int AS count FROM users WHERE id IN ${db.sql(ids)}`;
      expect(row?.count).toBe(5);
    });
  },
);

/** Resolves once some query of this database waits on a lock, i.e. the race is on. */
async function waitForLockWait(): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const [row] = await db.sql<{ waiting: number }[]>`
      SELECT count(*)::int AS waiting FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    if ((row?.waiting ?? 0) > 0) {
      return;
    }
    await Bun.sleep(10);
  }
  throw new Error("the second login never waited on the first one's lock");
}
