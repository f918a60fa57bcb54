import type { ValidateSessionResponse } from "@trellis/contracts/identity/v1";
import type { Outcome } from "@trellis/testing";
import type { SessionsRepo } from "../db/sessions.ts";
import type { SessionRecord } from "../session.ts";
import { formatSessionToken, hashSecret } from "../session-token.ts";
import type { SessionsCall } from "./fake-sessions.ts";
import {
  ABSOLUTE_LIFETIME_MS,
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
} from "./fixtures.ts";

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

/**
 * ValidateSession's outcomes, one row each; ValidateSessions answers every token the same way
 * (its test runs the rows without a db failure as batches of one).
 */
export const validationCases: {
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
export function validationDeps(sessions: SessionsRepo) {
  return { sessions, now: () => NOW, sessionAbsoluteLifetimeMs: ABSOLUTE_LIFETIME_MS };
}
