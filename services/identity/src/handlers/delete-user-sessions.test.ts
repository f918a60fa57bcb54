import { expect, test } from "bun:test";
import type { DeleteUserSessionsResponse } from "@trellis/contracts/identity/v1";
import { invalid, type Outcome, outcome } from "@trellis/testing";
import type { SessionRecord } from "../session.ts";
import { fakeSessions } from "../testing/fake-sessions.ts";
import {
  call,
  day,
  fromNow,
  NEW_TOKEN,
  OTHER_USER_ID,
  session,
  USER_ID,
} from "../testing/fixtures.ts";
import { deleteUserSessions } from "./delete-user-sessions.ts";

const mine = session();
const mineElsewhere = session({ id: "secondsessionxxxxxxxxxxx" });
const mineExpired = session({ id: "expiredsessionxxxxxxxxxx", expiresAt: fromNow(-day) });
const theirs = session({ id: NEW_TOKEN.id, userId: OTHER_USER_ID });

const cases: {
  name: string;
  userId: string;
  stored: SessionRecord[] | Error;
  want: Outcome<DeleteUserSessionsResponse>;
  /** The sessions left afterwards. */
  wantLeft: SessionRecord[];
}[] = [
  {
    name: "deletes every session of the user, expired ones too, and counts them",
    userId: USER_ID,
    stored: [mine, mineElsewhere, mineExpired, theirs],
    want: { ok: { deletedCount: 3 } },
    wantLeft: [theirs],
  },
  {
    name: "accepts the user id in upper case",
    userId: USER_ID.toUpperCase(),
    stored: [mine, theirs],
    want: { ok: { deletedCount: 1 } },
    wantLeft: [theirs],
  },
  {
    name: "answers 0 for a user with no sessions",
    userId: USER_ID,
    stored: [theirs],
    want: { ok: { deletedCount: 0 } },
    wantLeft: [theirs],
  },
  {
    name: "answers 0 for a user nobody has",
    userId: "0190a1b2-0000-7000-8000-00000000cccc",
    stored: [mine],
    want: { ok: { deletedCount: 0 } },
    wantLeft: [mine],
  },
  {
    name: "rejects an empty user_id and deletes nothing",
    userId: "",
    stored: [mine],
    want: invalid("user_id: is required"),
    wantLeft: [mine],
  },
  {
    name: "rejects a user_id that is not a UUID",
    userId: "' OR 1=1 --",
    stored: [mine],
    want: invalid("user_id: must be a UUID"),
    wantLeft: [mine],
  },
  {
    name: "hides a db failure",
    userId: USER_ID,
    stored: new Error("deadlock detected"),
    want: { code: "INTERNAL" },
    wantLeft: [],
  },
];

test.each(cases)("$name", async ({ userId, stored, want, wantLeft }) => {
  const sessions = fakeSessions(stored);
  const handler = deleteUserSessions({ sessions });
  expect(await outcome(handler({ userId }, call()))).toEqual(want);
  expect(sessions.records()).toEqual(wantLeft);
});
