import { expect, test } from "bun:test";
import { decodePendingLogin, encodePendingLogin, safeReturnTo } from "./login-cookie.ts";

const returnTos = [
  { name: "keeps a path", input: "/notes", want: "/notes" },
  { name: "keeps a path with a query", input: "/notes?page=2", want: "/notes?page=2" },
  { name: "defaults to / when absent", input: undefined, want: "/" },
  { name: "refuses another host by scheme", input: "https://evil.example/x", want: "/" },
  { name: "refuses a protocol-relative URL", input: "//evil.example", want: "/" },
  { name: "refuses a backslash host", input: "/\\evil.example", want: "/" },
  { name: "refuses a tab that URL parsing drops", input: "/\t/evil.example", want: "/" },
  { name: "refuses javascript:", input: "javascript:alert(1)", want: "/" },
  { name: "refuses a relative path", input: "notes", want: "/" },
  { name: "refuses a huge value", input: `/${"a".repeat(5000)}`, want: "/" },
  { name: "normalizes dot segments", input: "/a/../notes", want: "/notes" },
];

test.each(returnTos)("safeReturnTo $name", ({ input, want }) => {
  expect(safeReturnTo(input)).toBe(want);
});

test("a pending login round-trips through its cookie value", () => {
  const login = {
    provider: "google" as const,
    state: "s",
    verifier: "v",
    nonce: "n",
    returnTo: "/notes",
  };
  expect(decodePendingLogin(encodePendingLogin(login))).toEqual(login);
});

const garbage = [
  { name: "absent", value: null },
  { name: "not base64url", value: "a b" },
  { name: "not JSON", value: Buffer.from("{nope").toString("base64url") },
  {
    name: "another provider",
    value: Buffer.from(
      '{"provider":"x","state":"s","verifier":"v","nonce":null,"returnTo":"/"}',
    ).toString("base64url"),
  },
  {
    name: "a missing verifier",
    value: Buffer.from('{"provider":"dev","state":"s","nonce":null,"returnTo":"/"}').toString(
      "base64url",
    ),
  },
  { name: "huge", value: "a".repeat(5000) },
];

test.each(garbage)("decodePendingLogin refuses $name", ({ value }) => {
  expect(decodePendingLogin(value)).toBeNull();
});
