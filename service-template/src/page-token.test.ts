import { expect, test } from "bun:test";
import { invalid, type Outcome, outcome } from "@trellis/testing";
import { decodePageToken, encodePageToken } from "./page-token.ts";
import { NOTE_ID } from "./testing/fixtures.ts";

const forged = invalid("page_token: not a token issued by this service");
const base64url = (text: string): string => Buffer.from(text).toString("base64url");

const cases: { name: string; token: string; want: Outcome<string | null> }[] = [
  { name: "reads a token it issued", token: encodePageToken(NOTE_ID), want: { ok: NOTE_ID } },
  { name: "starts from the top for an empty token", token: "", want: { ok: null } },
  {
    name: "reads an upper-case id as lower case",
    token: base64url(`notes.v1:${NOTE_ID.toUpperCase()}`),
    want: { ok: NOTE_ID },
  },
  { name: "rejects garbage", token: "not a token!", want: forged },
  { name: "rejects valid base64url that is not a token", token: "AAAA", want: forged },
  {
    name: "rejects another service's prefix",
    token: base64url(`users.v1:${NOTE_ID}`),
    want: forged,
  },
  { name: "rejects a bad uuid", token: base64url("notes.v1:123"), want: forged },
  { name: "rejects an empty uuid", token: base64url("notes.v1:"), want: forged },
  {
    name: "rejects a uuid followed by more text",
    token: base64url(`notes.v1:${NOTE_ID}' OR '1'='1`),
    want: forged,
  },
];

test.each(cases)("$name", async ({ token, want }) => {
  expect(await outcome(Promise.resolve().then(() => decodePageToken(token)))).toEqual(want);
});
