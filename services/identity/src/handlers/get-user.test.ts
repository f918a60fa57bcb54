import { expect, test } from "bun:test";
import type { GetUserRequest, GetUserResponse } from "@trellis/contracts/identity/v1";
import { invalid, type Outcome, outcome } from "@trellis/testing";
import { fakeUsers, type UsersCall } from "../testing/fake-users.ts";
import { caller, OTHER_USER_ID, USER_ID, user, userMessage } from "../testing/fixtures.ts";
import type { UserRecord } from "../user.ts";
import { getUser } from "./get-user.ts";

const both = [user(), user({ id: OTHER_USER_ID, name: "Someone Else" })];

const cases: {
  name: string;
  request: GetUserRequest;
  stored: UserRecord[] | Error;
  want: Outcome<GetUserResponse>;
  wantCalls: UsersCall[];
}[] = [
  {
    name: "returns the caller",
    request: { userId: USER_ID },
    stored: both,
    want: { ok: { user: userMessage() } },
    wantCalls: [{ method: "findById", id: USER_ID }],
  },
  {
    name: "finds the caller by their id in upper case",
    request: { userId: USER_ID.toUpperCase() },
    stored: both,
    want: { ok: { user: userMessage() } },
    wantCalls: [{ method: "findById", id: USER_ID }],
  },
  {
    name: "reports another user as missing without looking them up",
    request: { userId: OTHER_USER_ID },
    stored: both,
    want: { code: "NOT_FOUND", message: `user ${OTHER_USER_ID} not found` },
    wantCalls: [],
  },
  {
    name: "reports the caller missing once their user is gone",
    request: { userId: USER_ID },
    stored: [],
    want: { code: "NOT_FOUND", message: `user ${USER_ID} not found` },
    wantCalls: [{ method: "findById", id: USER_ID }],
  },
  {
    name: "rejects an empty user_id",
    request: { userId: "" },
    stored: both,
    want: invalid("user_id: is required"),
    wantCalls: [],
  },
  {
    name: "rejects a non-uuid user_id",
    request: { userId: "me" },
    stored: both,
    want: invalid("user_id: must be a UUID"),
    wantCalls: [],
  },
  {
    name: "hides a db failure",
    request: { userId: USER_ID },
    stored: new Error("statement timeout"),
    want: { code: "INTERNAL" },
    wantCalls: [{ method: "findById", id: USER_ID }],
  },
];

test.each(cases)("$name", async ({ request, stored, want, wantCalls }) => {
  const users = fakeUsers(stored instanceof Error ? stored : { users: stored });
  expect(await outcome(getUser({ users })(request, caller()))).toEqual(want);
  expect(users.calls).toEqual(wantCalls);
});
