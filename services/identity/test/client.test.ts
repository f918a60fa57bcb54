import { afterAll, afterEach, describe, expect, test } from "bun:test";
import {
  type CompleteOAuthLoginRequest,
  type CompleteOAuthLoginResponse,
  IdentityServiceService,
} from "@trellis/contracts/identity/v1";
import { createClient, generateCallerKeys, parseSigningKey } from "@trellis/service-kit";
import { type CallOutcome, callOutcome } from "@trellis/testing";
import { formatSessionToken, newSessionToken, parseSessionToken } from "../src/session-token.ts";
import {
  type IdentityClient,
  identityDatabase,
  startIdentityServer,
  testClock,
} from "./identity-server.ts";

const db = await identityDatabase();
const clock = testClock();
const server = await startIdentityServer(db, { now: clock.now });
const { client } = server;
afterEach(() => clock.reset());
afterAll(async () => {
  await server.stop();
  await db.close();
});

const day = 24 * 60 * 60 * 1000;
const TOKEN = /^[a-km-np-z2-9]{24}\.[a-km-np-z2-9]{24}$/;
const rejected = { code: "UNAUTHENTICATED", details: "invalid or expired session" };

/** A provider identity no other test uses. */
function identity(
  provider = "github",
): Pick<CompleteOAuthLoginRequest, "provider" | "providerUserId"> {
  return { provider, providerUserId: String(Math.floor(Math.random() * 2 ** 48)) };
}

async function login(
  request: Partial<CompleteOAuthLoginRequest> = {},
): Promise<CompleteOAuthLoginResponse & { userId: string }> {
  const response = await client.completeOAuthLogin({
    ...identity(),
    name: "Ada",
    email: "ada@example.org",
    avatarUrl: "https://avatars.example.com/u/1",
    ...request,
  });
  return { ...response, userId: response.user?.id ?? "" };
}

/** A time window `[before, after]` around a call, shifted by `ms`. */
async function timed<T>(run: () => Promise<T>, ms = 0) {
  const before = clock.now().getTime() + ms;
  const result = await run();
  const after = clock.now().getTime() + ms;
  return { result, within: { before, after } };
}

function expectWithin(
  date: Date | undefined,
  { before, after }: { before: number; after: number },
) {
  expect(date?.getTime()).toBeGreaterThanOrEqual(before);
  expect(date?.getTime()).toBeLessThanOrEqual(after);
}

describe("CompleteOAuthLogin", () => {
  test("a first login creates the user and a 30-day session that validates", async () => {
    const { result: first, within } = await timed(() => login({ name: "Ada" }), 30 * day);
    // toEqual, not toMatchObject: Bun 1.4.5's toMatchObject writes the asymmetric matchers
    // into the received object, which would replace first.sessionToken below.
    expect(first).toEqual({
      userId: expect.any(String),
      user: {
        id: expect.stringMatching(
          /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        ),
        name: "Ada",
        email: "ada@example.org",
        avatarUrl: "https://avatars.example.com/u/1",
        createTime: expect.any(Date),
      },
      sessionToken: expect.stringMatching(TOKEN),
      sessionExpireTime: expect.any(Date),
      newUser: true,
    });
    expectWithin(first.sessionExpireTime, within);
    expect(await client.validateSession({ sessionToken: first.sessionToken })).toEqual({
      user: first.user,
      sessionExpireTime: first.sessionExpireTime,
      renewed: false,
    });
  });

  test("a second login of the same identity reuses the user with the new profile and a new token", async () => {
    const who = identity();
    const first = await login({ ...who, name: "Ada", email: "old@example.org" });
    const second = await login({ ...who, name: "Ada L.", email: "new@example.org", avatarUrl: "" });
    expect(second).toMatchObject({
      user: { ...first.user, name: "Ada L.", email: "new@example.org", avatarUrl: "" },
      newUser: false,
    });
    expect(second.sessionToken).not.toBe(first.sessionToken);
    expect(parseSessionToken(second.sessionToken)?.id).not.toBe(
      parseSessionToken(first.sessionToken)?.id,
    );
    for (const { sessionToken } of [first, second]) {
      expect((await client.validateSession({ sessionToken })).user).toEqual(second.user);
    }
  });

  test("the same email from another provider is a different user", async () => {
    const email = `shared-${crypto.randomUUID()}@example.org`;
    const onGitHub = await login({ ...identity("github"), email });
    const onGoogle = await login({ ...identity("google"), email });
    const onDev = await login({ provider: "dev", providerUserId: "1", email });
    expect(onGoogle.newUser).toBe(true);
    expect(new Set([onGitHub.userId, onGoogle.userId, onDev.userId]).size).toBe(3);
  });
});

describe("ValidateSession", () => {
  test("renews a session with less than 15 days left, once", async () => {
    const { sessionToken, sessionExpireTime } = await login();
    clock.advance(16 * day);
    const { result: renewed, within } = await timed(
      () => client.validateSession({ sessionToken }),
      30 * day,
    );
    expect(renewed.renewed).toBe(true);
    expectWithin(renewed.sessionExpireTime, within);
    expect(renewed.sessionExpireTime?.getTime()).toBeGreaterThan(sessionExpireTime?.getTime() ?? 0);
    expect(await client.validateSession({ sessionToken })).toMatchObject({
      sessionExpireTime: renewed.sessionExpireTime,
      renewed: false,
    });
  });

  test("a session used every 16 days renews up to 90 days after its creation, never past it", async () => {
    const { result: first, within } = await timed(() => login());
    const { sessionToken } = first;
    const cap = { before: within.before + 90 * day, after: within.after + 90 * day };
    for (let used = 16; used < 90; used += 16) {
      clock.advance(16 * day);
      const { sessionExpireTime } = await client.validateSession({ sessionToken });
      expect(sessionExpireTime?.getTime()).toBeLessThanOrEqual(cap.after);
    }
    // Day 64's renewal reached the cap (26 days on, not 30); day 80 leaves the expiry there.
    expectWithin((await client.validateSession({ sessionToken })).sessionExpireTime, cap);
    clock.advance(10 * day + 1_000);
    expect(await callOutcome(client.validateSession({ sessionToken }))).toEqual(rejected);
    const id = parseSessionToken(sessionToken)?.id ?? "";
    expect(await db.sql`SELECT id FROM sessions WHERE id = ${id}`).toHaveLength(0);
  });

  test("rejects an expired session and deletes it", async () => {
    const { sessionToken } = await login();
    const id = parseSessionToken(sessionToken)?.id ?? "";
    clock.advance(30 * day + 1_000);
    expect(await callOutcome(client.validateSession({ sessionToken }))).toEqual(rejected);
    expect(await db.sql`SELECT id FROM sessions WHERE id = ${id}`).toHaveLength(0);
  });

  test("gives every kind of bad token the same answer", async () => {
    const expired = await login();
    clock.advance(31 * day);
    const { sessionToken } = await login();
    const live = parseSessionToken(sessionToken);
    const tokens = [
      formatSessionToken(newSessionToken()),
      formatSessionToken({ id: live?.id ?? "", secret: newSessionToken().secret }),
      expired.sessionToken,
      `${sessionToken}.`,
      sessionToken.toUpperCase(),
      "",
      "é".repeat(50_000),
    ];
    for (const token of tokens) {
      expect(await callOutcome(client.validateSession({ sessionToken: token }))).toEqual(rejected);
    }
    expect((await client.validateSession({ sessionToken })).renewed).toBe(false);
  });
});

describe("ValidateSessions", () => {
  test("answers each token in order over the wire, as ValidateSession would", async () => {
    const expired = await login();
    clock.advance(31 * day);
    const ada = await login();
    const bob = await login();
    const tokens = [ada.sessionToken, "junk", expired.sessionToken, bob.sessionToken];

    const { results } = await client.validateSessions({ sessionTokens: tokens });

    const none = { renewed: false };
    expect(results).toEqual([
      { user: ada.user, sessionExpireTime: ada.sessionExpireTime, renewed: false },
      none,
      none,
      { user: bob.user, sessionExpireTime: bob.sessionExpireTime, renewed: false },
    ]);
    expect(
      await callOutcome(client.validateSession({ sessionToken: expired.sessionToken })),
    ).toEqual(rejected);
  });

  test("refuses more than 100 tokens, naming the field", async () => {
    const sessionTokens = Array.from({ length: 101 }, () => formatSessionToken(newSessionToken()));
    expect(await callOutcome(client.validateSessions({ sessionTokens }))).toEqual({
      code: "INVALID_ARGUMENT",
      details: "session_tokens: at most 100 tokens (got 101)",
    });
  });
});

describe("DeleteSession", () => {
  test("ends the session; a second logout is still OK", async () => {
    const { sessionToken } = await login();
    expect(await client.deleteSession({ sessionToken })).toEqual({});
    expect(await callOutcome(client.validateSession({ sessionToken }))).toEqual(rejected);
    expect(await client.deleteSession({ sessionToken })).toEqual({});
  });

  test("keeps a session when the secret does not match, and says OK all the same", async () => {
    const { sessionToken, user } = await login();
    const id = parseSessionToken(sessionToken)?.id ?? "";
    const forged = formatSessionToken({ id, secret: newSessionToken().secret });
    expect(await client.deleteSession({ sessionToken: forged })).toEqual({});
    expect((await client.validateSession({ sessionToken })).user).toEqual(user);
  });

  test("answers OK to malformed tokens", async () => {
    for (const sessionToken of ["", "x", "a.b.c", "🦀".repeat(10_000)]) {
      expect(await client.deleteSession({ sessionToken })).toEqual({});
    }
  });
});

describe("DeleteUserSessions", () => {
  test("ends every session of the user and no one else's; a second call deletes none", async () => {
    const who = identity();
    const phone = await login(who);
    const laptop = await login(who);
    const other = await login();

    expect(await client.deleteUserSessions({ userId: phone.userId })).toEqual({ deletedCount: 2 });

    for (const { sessionToken } of [phone, laptop]) {
      expect(await callOutcome(client.validateSession({ sessionToken }))).toEqual(rejected);
    }
    expect((await client.validateSession({ sessionToken: other.sessionToken })).user).toEqual(
      other.user,
    );
    expect(await client.deleteUserSessions({ userId: phone.userId })).toEqual({ deletedCount: 0 });
  });

  test("names the field of a user_id that is not a UUID", async () => {
    expect(await callOutcome(client.deleteUserSessions({ userId: "me" }))).toEqual({
      code: "INVALID_ARGUMENT",
      details: "user_id: must be a UUID",
    });
  });
});

describe("GetUser", () => {
  test("returns the caller's own user", async () => {
    const { user, userId } = await login();
    expect(await client.getUser({ userId }, { userId })).toEqual({ user });
  });

  test("answers NOT_FOUND for another user, who exists", async () => {
    const me = await login();
    const other = await login();
    expect(
      await callOutcome(client.getUser({ userId: other.userId }, { userId: me.userId })),
    ).toEqual({ code: "NOT_FOUND", details: `user ${other.userId} not found` });
  });

  test("needs a user's identity, not only the gateway's", async () => {
    const { userId } = await login();
    expect(await callOutcome(client.getUser({ userId }))).toEqual({
      code: "UNAUTHENTICATED",
      details: "this RPC needs a user's identity",
    });
  });
});

describe("bad input names the field", () => {
  const cases: { name: string; request: Partial<CompleteOAuthLoginRequest>; details: string }[] = [
    {
      name: "an unknown provider",
      request: { provider: "facebook" },
      details: "provider: must be one of github, google, dev",
    },
    {
      name: "an empty provider_user_id",
      request: { providerUserId: "" },
      details: "provider_user_id: must not be empty",
    },
    {
      name: "a 100 KB name",
      request: { name: "é".repeat(50_000) },
      details: "name: must have at most 200 characters (got 50000)",
    },
    {
      name: "a javascript: avatar_url",
      request: { avatarUrl: "javascript:alert(document.cookie)" },
      details: "avatar_url: must be an http(s) URL",
    },
  ];

  test.each(cases)("CompleteOAuthLogin with $name", async ({ request, details }) => {
    expect(await callOutcome(login(request))).toEqual({ code: "INVALID_ARGUMENT", details });
  });

  test("GetUser with a non-uuid user_id", async () => {
    const { userId } = await login();
    expect(await callOutcome(client.getUser({ userId: "me" }, { userId }))).toEqual({
      code: "INVALID_ARGUMENT",
      details: "user_id: must be a UUID",
    });
  });
});

describe("a call without the gateway's signature", () => {
  const address = `127.0.0.1:${server.port}`;
  const unsigned = createClient(IdentityServiceService, address, { timeoutMs: 5_000 });
  const forger = createClient(IdentityServiceService, address, {
    timeoutMs: 5_000,
    // A key pair of its own, as a compromised service could make: the service trusts only the
    // gateway's public key.
    callerKey: parseSigningKey(generateCallerKeys("forger").signingKey),
  });
  afterAll(() => {
    unsigned.close();
    forger.close();
  });
  const token = formatSessionToken(newSessionToken());
  const calls: { name: string; call: (c: IdentityClient) => Promise<unknown> }[] = [
    {
      name: "CompleteOAuthLogin",
      call: (c) => c.completeOAuthLogin({ ...identity(), name: "", email: "", avatarUrl: "" }),
    },
    { name: "ValidateSession", call: (c) => c.validateSession({ sessionToken: token }) },
    { name: "ValidateSessions", call: (c) => c.validateSessions({ sessionTokens: [token] }) },
    { name: "DeleteSession", call: (c) => c.deleteSession({ sessionToken: token }) },
    {
      name: "DeleteUserSessions",
      call: (c) => c.deleteUserSessions({ userId: crypto.randomUUID() }),
    },
    {
      name: "GetUser",
      call: (c) => c.getUser({ userId: crypto.randomUUID() }, { userId: crypto.randomUUID() }),
    },
  ];

  test.each(calls)("$name is UNAUTHENTICATED without a signature", async ({ call }) => {
    const want: CallOutcome<never> = {
      code: "UNAUTHENTICATED",
      details: "missing caller identity (x-trellis-caller metadata)",
    };
    expect(await callOutcome(call(unsigned))).toEqual(want);
  });

  test.each(calls)("$name is UNAUTHENTICATED with a forged signature", async ({ call }) => {
    expect(await callOutcome(call(forger))).toEqual({
      code: "UNAUTHENTICATED",
      details: "invalid caller identity (x-trellis-caller metadata)",
    });
  });
});
