import { expect, test } from "bun:test";
import type {
  SessionValidation,
  ValidateSessionRequest,
  ValidateSessionResponse,
  ValidateSessionsResponse,
} from "@trellis/contracts/identity/v1";
import { type Outcome, outcome } from "@trellis/service-kit/testing";
import type { SessionsRepo } from "../db/sessions.ts";
import type { SessionRecord } from "../session.ts";
import { formatSessionToken, hashSecret } from "../session-token.ts";
import { fakeSessions, type SessionsCall } from "../testing/fake-sessions.ts";
import {
  ABSOLUTE_LIFETIME_MS,
  call,
  day,
  FRESH_EXPIRY,
  fromNow,
  NEW_TOKEN,
  NOW,
  rejectedSession,
  session,
  TOKEN,
  TOKEN_TEXT,
  userMessage,
} from "../testing/fixtures.ts";
import { MAX_TOKENS_PER_CALL, validateSession, validateSessions } from "./validate-session.ts";

function valid(expiresAt: Date, renewed: boolean): Outcome<ValidateSessionResponse> {
  return { ok: { user: userMessage(), sessionExpireTime: expiresAt, renewed } };
}

const find: SessionsCall = { method: "findWithUser", id: TOKEN.id };
const remove: SessionsCall = { method: "delete", id: TOKEN.id };
const renew: SessionsCall = { method: "setExpiry", id: TOKEN.id, expiresAt: FRESH_EXPIRY };
/** A session created this long ago reaches its absolute lifetime in `ms`. */
const createdToEndIn = (ms: number): Date => fromNow(ms - ABSOLUTE_LIFETIME_MS);

/** Tokens refused before any query: the shape alone rules them out. */
const malformed: [string, string][] = [
  ["an empty token", ""],
  ["a token without a dot", TOKEN.id + TOKEN.secret],
  ["a token with an extra dot", `${TOKEN_TEXT}.${TOKEN.secret}`],
  ["an empty secret", `${TOKEN.id}.`],
  ["an empty id", `.${TOKEN.secret}`],
  ["a secret one character short", TOKEN_TEXT.slice(0, -1)],
  ["a secret one character long", `${TOKEN_TEXT}a`],
  ["an upper-case token", TOKEN_TEXT.toUpperCase()],
  ["an l, which the alphabet leaves out", `${TOKEN.id}.l${TOKEN.secret.slice(1)}`],
  ["a 0, which the alphabet leaves out", `0${TOKEN_TEXT.slice(1)}`],
  ["surrounding whitespace", ` ${TOKEN_TEXT}`],
  ["a trailing newline", `${TOKEN_TEXT}\n`],
  ["non-ASCII lookalikes", TOKEN_TEXT.replace("a", "а")],
  ["emoji", `${"🦀".repeat(12)}.${"🦀".repeat(12)}`],
  ["a 1 MB token", `${TOKEN_TEXT}${"a".repeat(1_000_000)}`],
  ["SQL", "' OR 1=1 --"],
];

const cases: {
  name: string;
  token: string;
  stored: SessionRecord[] | Error;
  want: Outcome<ValidateSessionResponse>;
  wantCalls: SessionsCall[];
}[] = [
  {
    name: "returns the user of a session with 20 days left, unchanged",
    token: TOKEN_TEXT,
    stored: [session()],
    want: valid(fromNow(20 * day), false),
    wantCalls: [find],
  },
  {
    name: "does not renew a session with exactly 15 days left",
    token: TOKEN_TEXT,
    stored: [session({ expiresAt: fromNow(15 * day) })],
    want: valid(fromNow(15 * day), false),
    wantCalls: [find],
  },
  {
    name: "renews a session with 1 ms less than 15 days left to 30 days from now",
    token: TOKEN_TEXT,
    stored: [session({ expiresAt: fromNow(15 * day - 1) })],
    want: valid(FRESH_EXPIRY, true),
    wantCalls: [find, renew],
  },
  {
    name: "renews a session 1 ms before it expires",
    token: TOKEN_TEXT,
    stored: [session({ expiresAt: fromNow(1) })],
    want: valid(FRESH_EXPIRY, true),
    wantCalls: [find, renew],
  },
  {
    name: "renews a session only up to its absolute lifetime",
    token: TOKEN_TEXT,
    stored: [session({ createdAt: createdToEndIn(10 * day), expiresAt: fromNow(5 * day) })],
    want: valid(fromNow(10 * day), true),
    wantCalls: [find, { method: "setExpiry", id: TOKEN.id, expiresAt: fromNow(10 * day) }],
  },
  {
    name: "does not renew a session that already expires at its absolute lifetime",
    token: TOKEN_TEXT,
    stored: [session({ createdAt: createdToEndIn(10 * day), expiresAt: fromNow(10 * day) })],
    want: valid(fromNow(10 * day), false),
    wantCalls: [find],
  },
  {
    name: "answers the absolute end of a session stored with a later expiry",
    token: TOKEN_TEXT,
    stored: [session({ createdAt: createdToEndIn(day), expiresAt: fromNow(20 * day) })],
    want: valid(fromNow(day), false),
    wantCalls: [find],
  },
  {
    name: "accepts a session 1 ms before its absolute lifetime ends",
    token: TOKEN_TEXT,
    stored: [session({ createdAt: createdToEndIn(1), expiresAt: fromNow(20 * day) })],
    want: valid(fromNow(1), false),
    wantCalls: [find],
  },
  {
    name: "deletes a session at its absolute lifetime, though its expiry is 20 days off",
    token: TOKEN_TEXT,
    stored: [session({ createdAt: createdToEndIn(0), expiresAt: fromNow(20 * day) })],
    want: rejectedSession,
    wantCalls: [find, remove],
  },
  {
    name: "deletes a session that expires exactly now",
    token: TOKEN_TEXT,
    stored: [session({ expiresAt: NOW })],
    want: rejectedSession,
    wantCalls: [find, remove],
  },
  {
    name: "deletes a session that expired a day ago",
    token: TOKEN_TEXT,
    stored: [session({ expiresAt: fromNow(-day) })],
    want: rejectedSession,
    wantCalls: [find, remove],
  },
  {
    name: "rejects an unknown id",
    token: formatSessionToken(NEW_TOKEN),
    stored: [session()],
    want: rejectedSession,
    wantCalls: [{ method: "findWithUser", id: NEW_TOKEN.id }],
  },
  {
    name: "rejects a wrong secret with the same answer as an unknown id, keeping the session",
    token: formatSessionToken({ id: TOKEN.id, secret: NEW_TOKEN.secret }),
    stored: [session()],
    want: rejectedSession,
    wantCalls: [find],
  },
  {
    name: "rejects a wrong secret on an expired session without deleting it",
    token: formatSessionToken({ id: TOKEN.id, secret: NEW_TOKEN.secret }),
    stored: [session({ expiresAt: fromNow(-day) })],
    want: rejectedSession,
    wantCalls: [find],
  },
  {
    name: "rejects a session whose stored hash is of another secret",
    token: TOKEN_TEXT,
    stored: [session({ secretHash: hashSecret(NEW_TOKEN.secret) })],
    want: rejectedSession,
    wantCalls: [find],
  },
  ...malformed.map(([what, token]) => ({
    name: `rejects ${what} without a query`,
    token,
    stored: [session()],
    want: rejectedSession,
    wantCalls: [],
  })),
  {
    name: "hides a db failure",
    token: TOKEN_TEXT,
    stored: new Error("too many connections"),
    want: { code: "INTERNAL" },
    wantCalls: [find],
  },
];

/** What validation reads: `sessions`, NOW and the default absolute lifetime. */
function deps(sessions: SessionsRepo) {
  return { sessions, now: () => NOW, sessionAbsoluteLifetimeMs: ABSOLUTE_LIFETIME_MS };
}

test.each(cases)("$name", async ({ token, stored, want, wantCalls }) => {
  const sessions = fakeSessions(stored);
  const request: ValidateSessionRequest = { sessionToken: token };
  const handler = validateSession(deps(sessions));
  expect(await outcome(handler(request, call()))).toEqual(want);
  expect(sessions.calls).toEqual(wantCalls);
});

// ValidateSessions: each token answered as ValidateSession answers it, from one query.

const noUser: SessionValidation = { user: undefined, sessionExpireTime: undefined, renewed: false };

function batchOf(results: SessionValidation[]): Outcome<ValidateSessionsResponse> {
  return { ok: { results } };
}

test.each(cases.filter((c) => !(c.stored instanceof Error)))(
  "in a batch: $name",
  async ({ token, stored, want, wantCalls }) => {
    const sessions = fakeSessions(stored);
    const handler = validateSessions(deps(sessions));
    const got = await outcome(handler({ sessionTokens: [token] }, call()));
    expect(got).toEqual(batchOf(["ok" in want ? want.ok : noUser]));
    // The same writes as ValidateSession; the one read is the batch's.
    const parsed = wantCalls.length > 0;
    expect(sessions.calls).toEqual([
      { method: "findManyWithUser", ids: parsed ? [(wantCalls[0] as { id: string }).id] : [] },
      ...wantCalls.slice(1),
    ]);
  },
);

test("answers a mixed batch in order from one query, renewing and deleting as one by one", async () => {
  const expired = { id: "expiredsessxxxxxxxxxxxxx", secret: NEW_TOKEN.secret };
  const sessions = fakeSessions([
    session({ expiresAt: fromNow(15 * day - 1) }),
    session({ id: expired.id, secretHash: hashSecret(expired.secret), expiresAt: fromNow(-day) }),
  ]);
  const handler = validateSessions(deps(sessions));
  const tokens = [
    TOKEN_TEXT,
    "junk",
    formatSessionToken(NEW_TOKEN),
    formatSessionToken(expired),
    TOKEN_TEXT,
  ];

  const got = await outcome(handler({ sessionTokens: tokens }, call()));

  const renewedAnswer = { user: userMessage(), sessionExpireTime: FRESH_EXPIRY, renewed: true };
  expect(got).toEqual(batchOf([renewedAnswer, noUser, noUser, noUser, renewedAnswer]));
  expect(sessions.calls[0]).toEqual({
    method: "findManyWithUser",
    ids: [TOKEN.id, NEW_TOKEN.id, expired.id],
  });
  expect(sessions.calls.filter((c) => c.method === "findManyWithUser")).toHaveLength(1);
  expect(sessions.records().map((record) => record.id)).toEqual([TOKEN.id]);
});

test.each([
  { name: "no tokens", count: 0, want: batchOf([]) },
  { name: "100 tokens", count: MAX_TOKENS_PER_CALL, want: batchOf(Array(100).fill(noUser)) },
  {
    name: "101 tokens",
    count: MAX_TOKENS_PER_CALL + 1,
    want: { code: "INVALID_ARGUMENT", message: "session_tokens: at most 100 tokens (got 101)" },
  },
])("a batch of $name", async ({ count, want }) => {
  const handler = validateSessions(deps(fakeSessions([])));
  const request = { sessionTokens: Array.from({ length: count }, () => "junk") };
  expect(await outcome(handler(request, call()))).toEqual(want);
});

test("a batch hides a db failure", async () => {
  const handler = validateSessions(deps(fakeSessions(new Error("boom"))));
  expect(await outcome(handler({ sessionTokens: [TOKEN_TEXT] }, call()))).toEqual({
    code: "INTERNAL",
  });
});
