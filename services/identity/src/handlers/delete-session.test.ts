import { expect, test } from "bun:test";
import type { DeleteSessionResponse } from "@trellis/contracts/identity/v1";
import { type Outcome, outcome } from "@trellis/testing";
import type { SessionRecord } from "../session.ts";
import { formatSessionToken } from "../session-token.ts";
import { fakeSessions } from "../testing/fake-sessions.ts";
import {
  call,
  day,
  fromNow,
  NEW_TOKEN,
  OTHER_USER_ID,
  session,
  TOKEN,
  TOKEN_TEXT,
} from "../testing/fixtures.ts";
import { deleteSession } from "./delete-session.ts";

const mine = session();
const another = session({ id: NEW_TOKEN.id, userId: OTHER_USER_ID });
const wrongSecret = formatSessionToken({ id: TOKEN.id, secret: NEW_TOKEN.secret });

const cases: {
  name: string;
  token: string;
  stored: SessionRecord[] | Error;
  want: Outcome<DeleteSessionResponse>;
  /** The sessions left afterwards. */
  wantLeft: SessionRecord[];
}[] = [
  {
    name: "deletes the session and only that session",
    token: TOKEN_TEXT,
    stored: [mine, another],
    want: { ok: {} },
    wantLeft: [another],
  },
  {
    name: "deletes an expired session too",
    token: TOKEN_TEXT,
    stored: [session({ expiresAt: fromNow(-day) })],
    want: { ok: {} },
    wantLeft: [],
  },
  {
    name: "answers OK for a session already gone",
    token: TOKEN_TEXT,
    stored: [another],
    want: { ok: {} },
    wantLeft: [another],
  },
  {
    name: "answers OK but keeps a session whose secret does not match",
    token: wrongSecret,
    stored: [mine],
    want: { ok: {} },
    wantLeft: [mine],
  },
  {
    name: "answers OK to a malformed token and deletes nothing",
    token: `${TOKEN.id}.`,
    stored: [mine],
    want: { ok: {} },
    wantLeft: [mine],
  },
  {
    name: "answers OK to an empty token",
    token: "",
    stored: [mine],
    want: { ok: {} },
    wantLeft: [mine],
  },
  {
    name: "answers OK to a 1 MB token",
    token: TOKEN_TEXT.repeat(20_000),
    stored: [mine],
    want: { ok: {} },
    wantLeft: [mine],
  },
  {
    name: "hides a db failure",
    token: TOKEN_TEXT,
    stored: new Error("deadlock detected"),
    want: { code: "INTERNAL" },
    wantLeft: [],
  },
];

test.each(cases)("$name", async ({ token, stored, want, wantLeft }) => {
  const sessions = fakeSessions(stored);
  expect(await outcome(deleteSession({ sessions })({ sessionToken: token }, call()))).toEqual(want);
  expect(sessions.records()).toEqual(wantLeft);
});
