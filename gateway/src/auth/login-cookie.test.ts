import { expect, test } from "bun:test";
import { decodePendingLogin, encodePendingLogin } from "./login-cookie.ts";

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
