import { expect, test } from "bun:test";
import { Metadata } from "@grpc/grpc-js";
import { AppError } from "../src/errors.ts";
import { callerMetadata, GATEWAY_SUBJECT, verifyCaller } from "../src/grpc/caller.ts";

const SECRET = "caller-test-secret-with-32-characters!";
const USER_ID = "0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69";
const NOW = Date.parse("2026-11-23T12:00:00Z");

function header(metadata: Metadata): string {
  return String(metadata.get("x-trellis-caller")[0]);
}

function withHeader(value: string): Metadata {
  const metadata = new Metadata();
  metadata.set("x-trellis-caller", value);
  return metadata;
}

function outcome(metadata: Metadata): string {
  try {
    return verifyCaller(metadata, SECRET, NOW);
  } catch (error) {
    return error instanceof AppError ? `${error.code}: ${error.message}` : String(error);
  }
}

const signed = header(callerMetadata(USER_ID, SECRET, NOW));
const [version, subject, expires, mac] = signed.split(".");
const invalid = "UNAUTHENTICATED: invalid caller identity (x-trellis-caller metadata)";

const cases = [
  { name: "accepts a user signed a moment ago", metadata: withHeader(signed), want: USER_ID },
  {
    name: "accepts the gateway's own identity",
    metadata: callerMetadata(GATEWAY_SUBJECT, SECRET, NOW),
    want: GATEWAY_SUBJECT,
  },
  {
    name: "refuses a call with no identity",
    metadata: new Metadata(),
    want: "UNAUTHENTICATED: missing caller identity (x-trellis-caller metadata)",
  },
  {
    name: "refuses an identity signed with another secret",
    metadata: callerMetadata(USER_ID, "another-secret-of-at-least-32-chars!!", NOW),
    want: invalid,
  },
  {
    name: "refuses an identity whose signature expired",
    metadata: callerMetadata(USER_ID, SECRET, NOW - 61_000),
    want: invalid,
  },
  {
    name: "refuses another user id under a valid signature",
    metadata: withHeader([version, crypto.randomUUID(), expires, mac].join(".")),
    want: invalid,
  },
  {
    name: "refuses a later expiry under a valid signature",
    metadata: withHeader([version, subject, Number(expires) + 3600, mac].join(".")),
    want: invalid,
  },
  {
    name: "refuses a signed subject that is not a user id",
    metadata: callerMetadata("admin", SECRET, NOW),
    want: invalid,
  },
  { name: "refuses extra parts", metadata: withHeader(`${signed}.x`), want: invalid },
  { name: "refuses another version", metadata: withHeader(`v2${signed.slice(2)}`), want: invalid },
  { name: "refuses a huge value", metadata: withHeader("v1.".repeat(50_000)), want: invalid },
];

test.each(cases)("$name", ({ metadata, want }) => {
  expect(outcome(metadata)).toBe(want);
});
