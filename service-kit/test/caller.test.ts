import { expect, test } from "bun:test";
import { Metadata } from "@grpc/grpc-js";
import { AppError } from "../src/errors.ts";
import {
  callerMetadata,
  callerSigner,
  callerVerifier,
  GATEWAY_SUBJECT,
  verifyCaller,
} from "../src/grpc/caller.ts";

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

function outcome(
  metadata: Metadata,
  verify: (metadata: Metadata, nowMs: number) => string = (given, nowMs) =>
    verifyCaller(given, SECRET, nowMs),
  nowMs = NOW,
): string {
  try {
    return verify(metadata, nowMs);
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
    name: "refuses an identity whose signature expired (signed over 70 s ago)",
    metadata: callerMetadata(USER_ID, SECRET, NOW - 71_000),
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

// The remembering verifier must answer exactly as verifyCaller does, even once it holds the
// genuine header the forgeries were made from.
test.each(cases)("remembering verifier: $name", ({ metadata, want }) => {
  const verify = callerVerifier(SECRET);
  expect(outcome(withHeader(signed), verify)).toBe(USER_ID);

  expect(outcome(metadata, verify)).toBe(want);
});

test("a header stays valid at least 60 s and at most 70 s after signing", () => {
  const expiresS = Number(signed.split(".")[2]);

  expect(expiresS * 1000 - NOW).toBeGreaterThanOrEqual(60_000);
  expect(expiresS * 1000 - NOW).toBeLessThanOrEqual(70_000);
});

test("the signer reuses a subject's header within an expiry step, and signs anew after it", () => {
  const sign = callerSigner(SECRET);
  const first = sign(USER_ID, NOW);

  expect(sign(USER_ID, NOW + 1)).toBe(first);
  expect(first).toBe(signed);
  const later = sign(USER_ID, NOW + 10_000);
  expect(later).not.toBe(first);
  expect(verifyCaller(withHeader(later), SECRET, NOW + 10_000)).toBe(USER_ID);
  expect(sign(GATEWAY_SUBJECT, NOW)).toBe(header(callerMetadata(GATEWAY_SUBJECT, SECRET, NOW)));
});

test("the remembering verifier refuses a header it accepted once that header has expired", () => {
  const verify = callerVerifier(SECRET);
  const expiresMs = Number(signed.split(".")[2]) * 1000;

  expect(outcome(withHeader(signed), verify, expiresMs)).toBe(USER_ID);
  expect(outcome(withHeader(signed), verify, expiresMs + 1)).toBe(invalid);
});
