import { expect, test } from "bun:test";
import type { SessionValidation, ValidateSessionsResponse } from "@trellis/contracts/identity/v1";
import { type Outcome, outcome } from "@trellis/testing";
import { formatSessionToken, hashSecret } from "../session-token.ts";
import { fakeSessions } from "../testing/fake-sessions.ts";
import {
  call,
  day,
  FRESH_EXPIRY,
  fromNow,
  NEW_TOKEN,
  session,
  TOKEN,
  TOKEN_TEXT,
  userMessage,
} from "../testing/fixtures.ts";
import { validationCases, validationDeps } from "../testing/validation-cases.ts";
import { MAX_TOKENS_PER_CALL, validateSessions } from "./validate-sessions.ts";

// ValidateSessions: each token answered as ValidateSession answers it, from one query.

const noUser: SessionValidation = { user: undefined, sessionExpireTime: undefined, renewed: false };

function batchOf(results: SessionValidation[]): Outcome<ValidateSessionsResponse> {
  return { ok: { results } };
}

test.each(validationCases.filter((c) => !(c.stored instanceof Error)))(
  "in a batch: $name",
  async ({ token, stored, want, wantCalls }) => {
    const sessions = fakeSessions(stored);
    const handler = validateSessions(validationDeps(sessions));
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
  const handler = validateSessions(validationDeps(sessions));
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
  const handler = validateSessions(validationDeps(fakeSessions([])));
  const request = { sessionTokens: Array.from({ length: count }, () => "junk") };
  expect(await outcome(handler(request, call()))).toEqual(want);
});

test("a batch hides a db failure", async () => {
  const handler = validateSessions(validationDeps(fakeSessions(new Error("boom"))));
  expect(await outcome(handler({ sessionTokens: [TOKEN_TEXT] }, call()))).toEqual({
    code: "INTERNAL",
  });
});
