import { expect, test } from "bun:test";
import { USER } from "../testing/fake-clients.ts";
import { toUserJson } from "./rest-shapes.ts";

const cases = [
  {
    name: "maps a user",
    users: [USER],
    want: {
      id: USER.id,
      name: USER.name,
      email: USER.email,
      avatarUrl: USER.avatarUrl,
      createTime: "2026-01-02T03:04:05.000Z",
    },
  },
  {
    name: "maps the same user object again alike",
    users: [USER, USER],
    want: {
      id: USER.id,
      name: USER.name,
      email: USER.email,
      avatarUrl: USER.avatarUrl,
      createTime: "2026-01-02T03:04:05.000Z",
    },
  },
  {
    name: "maps a later answer's user from its own fields",
    users: [USER, { ...USER, name: "Ada King", createTime: undefined }],
    want: {
      id: USER.id,
      name: "Ada King",
      email: USER.email,
      avatarUrl: USER.avatarUrl,
      createTime: "",
    },
  },
];

test.each(cases)("toUserJson $name", ({ users, want }) => {
  const answers = users.map(toUserJson);
  expect(answers.at(-1)).toEqual(want);
});
