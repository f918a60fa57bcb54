import { afterAll, describe, expect, test } from "bun:test";
import { sha256 } from "@oslojs/crypto/sha2";
import { createSessionsRepo } from "../src/db/sessions.ts";
import { createUsersRepo } from "../src/db/users.ts";
import { completeOAuthLogin } from "../src/handlers/complete-oauth-login.ts";
import { hashSecret, newSessionToken, parseSessionToken } from "../src/session-token.ts";
import { identityDatabase, realDeps } from "./identity-server.ts";

const db = await identityDatabase();
afterAll(() => db.close());

const sessions = createSessionsRepo(db.sql);
const users = createUsersRepo(db.sql);
const signal = new AbortController().signal;
const day = 24 * 60 * 60 * 1000;

async function newUser() {
  const account = { provider: "dev" as const, providerUserId: crypto.randomUUID() };
  const profile = { name: "Grace", email: "grace@example.org", avatarUrl: "" };
  return (await users.upsertForAccount(account, profile, Bun.randomUUIDv7(), signal)).user;
}

async function newSession(
  userId: string,
  expiresAt = new Date(Date.now() + 30 * day),
  createdAt = new Date(),
) {
  const token = newSessionToken();
  const session = await sessions.create(
    { id: token.id, userId, secretHash: hashSecret(token.secret), createdAt, expiresAt },
    signal,
  );
  return { token, session };
}

describe("create and findWithUser", () => {
  test("stores the session and finds it with its user in one call", async () => {
    const user = await newUser();
    const expiresAt = new Date(Date.now() + 30 * day);
    // The service's clock, not the database's: the absolute lifetime counts from it.
    const createdAt = new Date("2025-01-02T03:04:05.678Z");
    const { token, session } = await newSession(user.id, expiresAt, createdAt);
    expect(session).toEqual({
      id: token.id,
      userId: user.id,
      secretHash: hashSecret(token.secret),
      createdAt,
      expiresAt,
    });
    expect(await sessions.findWithUser(token.id, signal)).toEqual({ session, user });
  });

  test("returns null for an id nobody has", async () => {
    expect(await sessions.findWithUser(newSessionToken().id, signal)).toBeNull();
  });
});

describe("findManyWithUser", () => {
  test("finds every known id with its user in one query; unknown ids are absent", async () => {
    const ada = await newUser();
    const bob = await newUser();
    const first = await newSession(ada.id);
    const second = await newSession(bob.id);
    const unknown = newSessionToken().id;

    const found = await sessions.findManyWithUser(
      [first.token.id, unknown, second.token.id],
      signal,
    );

    expect([...found.keys()].sort()).toEqual([first.token.id, second.token.id].sort());
    expect(found.get(first.token.id)).toEqual({ session: first.session, user: ada });
    expect(found.get(second.token.id)).toEqual({ session: second.session, user: bob });
  });

  test("an empty list finds nothing", async () => {
    expect((await sessions.findManyWithUser([], signal)).size).toBe(0);
  });
});

describe("setExpiry and delete", () => {
  test("setExpiry moves the expiry", async () => {
    const { session } = await newSession((await newUser()).id);
    const later = new Date(session.expiresAt.getTime() + day);
    await sessions.setExpiry(session.id, later, signal);
    expect((await sessions.findWithUser(session.id, signal))?.session.expiresAt).toEqual(later);
  });

  test("delete removes the session once", async () => {
    const { session } = await newSession((await newUser()).id);
    expect(await sessions.delete(session.id, signal)).toBe(true);
    expect(await sessions.findWithUser(session.id, signal)).toBeNull();
    expect(await sessions.delete(session.id, signal)).toBe(false);
  });

  test("deleting a user deletes their sessions and account links", async () => {
    const user = await newUser();
    const { session } = await newSession(user.id);
    await db.sql`DELETE FROM users WHERE id = ${user.id}`;
    expect(await sessions.findWithUser(session.id, signal)).toBeNull();
    const [links] =
      await db.sql`SELECT count(*)::int AS n FROM oauth_accounts WHERE user_id = ${user.id}`;
    expect(links).toEqual({ n: 0 });
  });
});

describe("deleteForUser", () => {
  test("deletes every session of the user, and only theirs, and counts them", async () => {
    const ada = await newUser();
    const bob = await newUser();
    const adas = [await newSession(ada.id), await newSession(ada.id), await newSession(ada.id)];
    const bobs = await newSession(bob.id);

    expect(await sessions.deleteForUser(ada.id, signal)).toBe(3);

    for (const { session } of adas) {
      expect(await sessions.findWithUser(session.id, signal)).toBeNull();
    }
    expect(await sessions.findWithUser(bobs.session.id, signal)).toEqual({
      session: bobs.session,
      user: bob,
    });
    expect(await sessions.deleteForUser(ada.id, signal)).toBe(0);
  });

  test("a user nobody has has no sessions to delete", async () => {
    expect(await sessions.deleteForUser(Bun.randomUUIDv7(), signal)).toBe(0);
  });
});

describe("deleteExpired", () => {
  test("deletes sessions that expired at or before the given time and counts them", async () => {
    const user = await newUser();
    const now = new Date("2100-01-01T00:00:00.000Z");
    const atNow = await newSession(user.id, now);
    const before = await newSession(user.id, new Date(now.getTime() - day));
    const after = await newSession(user.id, new Date(now.getTime() + 1));
    expect(await sessions.deleteExpired(now, signal)).toBeGreaterThanOrEqual(2);
    expect(await sessions.findWithUser(atNow.session.id, signal)).toBeNull();
    expect(await sessions.findWithUser(before.session.id, signal)).toBeNull();
    expect(await sessions.findWithUser(after.session.id, signal)).not.toBeNull();
  });
});

describe("what a login stores", () => {
  test("only SHA-256 of the secret: the secret appears nowhere in the sessions table", async () => {
    const login = completeOAuthLogin(realDeps(db));
    const response = await login(
      { provider: "github", providerUserId: "583231", name: "Octocat", email: "", avatarUrl: "" },
      { signal },
    );
    const token = parseSessionToken(response.sessionToken);
    if (token === null) {
      throw new Error(`not a session token: ${response.sessionToken}`);
    }
    const [row] = await db.sql<{ secret_hash: Buffer }[]>`
      SELECT secret_hash FROM sessions WHERE id = ${token.id}`;
    const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
    expect(hex(row?.secret_hash ?? new Uint8Array())).toBe(
      hex(sha256(new TextEncoder().encode(token.secret))),
    );
    const everything = (await db.sql<{ whole: string }[]>`SELECT s::text AS whole FROM sessions s`)
      .map((r) => r.whole)
      .join("\n");
    expect(everything).toContain(token.id);
    expect(everything).not.toContain(token.secret);
    expect(everything).not.toContain(Buffer.from(token.secret).toString("hex"));
    expect(everything).not.toContain(response.sessionToken);
  });
});
