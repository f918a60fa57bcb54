import { afterAll, describe, expect, test } from "bun:test";
import { callOutcome, outcome } from "@trellis/testing";
import fc from "fast-check";
import { completeOAuthLogin } from "../src/handlers/complete-oauth-login.ts";
import { deleteSession } from "../src/handlers/delete-session.ts";
import { getUser } from "../src/handlers/get-user.ts";
import { validateSession } from "../src/handlers/validate-session.ts";
import { formatSessionToken, newSessionToken, parseSessionToken } from "../src/session-token.ts";
import { call, caller } from "../src/testing/fixtures.ts";
import { identityDatabase, realDeps, startIdentityServer } from "./identity-server.ts";

// Whatever a client sends, a handler on the real repositories answers OK or with an AppError a
// client can act on; anything else would reach the client as INTERNAL.

const db = await identityDatabase();
const deps = realDeps(db);
const server = await startIdentityServer(db);
afterAll(async () => {
  await server.stop();
  await db.close();
});

const seed = await completeOAuthLogin(deps)(
  // An id no arbitrary below produces, so no generated login can rename the seed user.
  { provider: "github", providerUserId: "seed-user", name: "Seed", email: "", avatarUrl: "" },
  call(),
);
// Another user, whose id GetUser must not answer for the seed user.
const other = await completeOAuthLogin(deps)(
  { provider: "github", providerUserId: "other-user", name: "Other", email: "", avatarUrl: "" },
  call(),
);
const otherId = other.user?.id ?? "";
const seedToken = seed.sessionToken;
const seedId = parseSessionToken(seedToken)?.id ?? "";
const userId = seed.user?.id ?? "";

const runs = { numRuns: 150 };

const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: "grapheme", maxLength: 250 }),
  fc.string({ unit: "binary-ascii" }),
  fc.string({ unit: fc.constantFrom(" ", "\t", "\n", "\u00a0", "\u200b", "\ufeff", "\u0000") }),
  fc.integer({ min: 195, max: 205 }).map((n) => "🦀".repeat(n)),
);
const provider = fc.oneof(
  { arbitrary: fc.constantFrom("github", "google", "dev"), weight: 3 },
  fc.constantFrom("GitHub", "", " github", "github\u0000", "facebook"),
  text,
);
const providerUserId = fc.oneof(
  fc.stringMatching(/^[0-9]{1,12}$/),
  fc.integer({ min: 250, max: 260 }).map((n) => "9".repeat(n)),
  text,
);
const avatarUrl = fc.oneof(
  fc.constant(""),
  fc.webUrl(),
  fc.webUrl().map((url) => `${url}${"x".repeat(2_030)}`),
  fc.constantFrom("javascript:alert(1)", "data:,x", "//a.example/x", "http://", "https://a b"),
  text,
);

/** Tokens near the real shape, the seed's id with other secrets, and junk of every kind. */
const token = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: fc.constantFrom(..."abcdefghijkmnpqrstuvwxyz23456789."), maxLength: 60 }),
  fc.constant(null).map(() => formatSessionToken(newSessionToken())),
  fc.constant(null).map(() => formatSessionToken({ id: seedId, secret: newSessionToken().secret })),
  fc.integer({ min: 0, max: 48 }).map((i) => `${seedToken.slice(0, i)}${seedToken.slice(i + 1)}`),
  fc.integer({ min: 0, max: 48 }).map((i) => `${seedToken.slice(0, i)}l${seedToken.slice(i + 1)}`),
  fc.integer({ min: 90, max: 110 }).map((n) => seedToken.padEnd(n, "a")),
);

describe("handlers on the real repositories answer every input", () => {
  test("CompleteOAuthLogin answers OK or INVALID_ARGUMENT, and stores what it accepts", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ provider, providerUserId, name: text, email: text, avatarUrl }),
        async (request) => {
          const got = await outcome(completeOAuthLogin(deps)(request, call()));
          if ("code" in got) {
            expect(got.code).toBe("INVALID_ARGUMENT");
            return;
          }
          const { name, email, avatarUrl: url } = request;
          expect(got.ok.user).toMatchObject({ name, email, avatarUrl: url });
          const stored = await deps.users.findById(got.ok.user?.id ?? "", call().signal);
          expect(stored).toMatchObject({ name, email, avatarUrl: url });
        },
      ),
      runs,
    );
  });

  test("ValidateSession answers UNAUTHENTICATED for every token but the issued one; DeleteSession always OK, and neither touches the seed session", async () => {
    // No generated token was issued (the seed's own is excluded): one that validates, such as
    // the seed's id with another secret, is a session given to someone who never signed in.
    await fc.assert(
      fc.asyncProperty(token, async (sessionToken) => {
        fc.pre(sessionToken !== seedToken);
        expect(await outcome(validateSession(deps)({ sessionToken }, call()))).toEqual({
          code: "UNAUTHENTICATED",
          message: "invalid or expired session",
        });
        expect(await outcome(deleteSession(deps)({ sessionToken }, call()))).toEqual({ ok: {} });
        expect(await outcome(validateSession(deps)({ sessionToken: seedToken }, call()))).toEqual({
          ok: expect.objectContaining({ user: seed.user }),
        });
      }),
      runs,
    );
  });

  test("GetUser answers OK only for the caller, with the caller; another user's id is NOT_FOUND", async () => {
    const id = fc.oneof(text, fc.uuid(), fc.constant(userId), fc.constant(otherId));
    await fc.assert(
      fc.asyncProperty(id, async (requested) => {
        const got = await outcome(getUser(deps)({ userId: requested }, caller(userId)));
        if (requested === userId) {
          expect(got).toEqual({ ok: { user: seed.user } });
        } else if (requested === otherId) {
          expect(got).toMatchObject({ code: "NOT_FOUND" });
        } else {
          expect(["INVALID_ARGUMENT", "NOT_FOUND"]).toContain("code" in got ? got.code : "OK");
        }
      }),
      runs,
    );
  });
});

/** Client text up to 100 KB of UTF-8, the size where an echoed value no longer fits a header. */
const longText = fc.oneof(
  text,
  fc
    .tuple(fc.constantFrom("x", "é", "🦀", "%", "\\"), fc.integer({ min: 1, max: 25_000 }))
    .map(([unit, n]) => unit.repeat(n)),
);

/** One request to any RPC, as data so a failing case prints readably. */
const anyRequest = fc.oneof(
  fc.record({
    rpc: fc.constant("completeOAuthLogin"),
    provider,
    providerUserId: fc.oneof(providerUserId, longText),
    name: longText,
    email: longText,
    avatarUrl: fc.oneof(avatarUrl, longText),
  }),
  fc.record({ rpc: fc.constant("validateSession"), sessionToken: fc.oneof(token, longText) }),
  fc.record({ rpc: fc.constant("deleteSession"), sessionToken: fc.oneof(token, longText) }),
  fc.record({ rpc: fc.constant("getUser"), userId: fc.oneof(fc.uuid(), longText) }),
);

type AnyRequest = typeof anyRequest extends fc.Arbitrary<infer R> ? R : never;

/** The request sent over gRPC, and the codes its RPC may answer besides OK. */
function send(request: AnyRequest): { call: Promise<unknown>; allowed: string[] } {
  const { client } = server;
  switch (request.rpc) {
    case "completeOAuthLogin": {
      const { rpc: _, ...fields } = request;
      return { call: client.completeOAuthLogin(fields), allowed: ["INVALID_ARGUMENT"] };
    }
    case "validateSession":
      return {
        call: client.validateSession({ sessionToken: request.sessionToken }),
        allowed: ["UNAUTHENTICATED"],
      };
    case "deleteSession":
      return { call: client.deleteSession({ sessionToken: request.sessionToken }), allowed: [] };
    case "getUser":
      return {
        call: client.getUser({ userId: request.userId }, { userId }),
        allowed: ["INVALID_ARGUMENT", "NOT_FOUND"],
      };
  }
}

describe("through the real gRPC server and client", () => {
  test("every request, however long its strings, ends OK or with the RPC's own error", async () => {
    await fc.assert(
      fc.asyncProperty(anyRequest, async (request) => {
        fc.pre(request.rpc !== "deleteSession" || request.sessionToken !== seedToken);
        const { call: pending, allowed } = send(request);
        const got = await callOutcome<unknown>(pending);
        if ("code" in got) {
          expect(allowed).toContain(got.code);
        }
      }),
      { numRuns: 150 },
    );
  });
});
