import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import { testCallerKeys } from "@trellis/testing";
import fc from "fast-check";
import { parseSigningKey } from "../src/caller/caller-keys.ts";
import { createClient, type PromiseClient } from "../src/client/client.ts";
import { idempotencyKeyReused } from "../src/errors.ts";
import type { GrpcServer } from "../src/server/grpc-server.ts";
import { idempotencyKeyProblem, MAX_IDEMPOTENCY_KEY_LENGTH } from "../src/wire/idempotency-key.ts";
import { type EchoServiceDefinition, echoService, startEchoHost } from "./support/echo-service.ts";

const USER_ID = "0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69";
const PROBLEM = "must be 1 to 255 visible ASCII characters (no spaces)";

describe("idempotencyKeyProblem", () => {
  const cases = [
    { name: "accepts a UUID", value: crypto.randomUUID(), want: null },
    { name: "accepts one character", value: "x", want: null },
    { name: "accepts 255 characters", value: "k".repeat(255), want: null },
    { name: "accepts punctuation", value: "order:42/retry#1~!", want: null },
    { name: "refuses an empty key", value: "", want: PROBLEM },
    { name: "refuses 256 characters", value: "k".repeat(256), want: PROBLEM },
    { name: "refuses a space", value: "a b", want: PROBLEM },
    { name: "refuses a tab", value: "a\tb", want: PROBLEM },
    { name: "refuses a non-ASCII letter", value: "clé", want: PROBLEM },
    { name: "refuses DEL", value: "a\u007f", want: PROBLEM },
  ];
  test.each(cases)("$name", ({ value, want }) => {
    expect(idempotencyKeyProblem(value)).toBe(want);
  });

  test("accepts exactly the strings of 1-255 characters in U+0021..U+007E", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (value) => {
        const visible = [...value].every((c) => c >= "!" && c <= "~");
        const fits = value.length >= 1 && value.length <= MAX_IDEMPOTENCY_KEY_LENGTH && visible;
        expect(idempotencyKeyProblem(value) === null).toBe(fits);
      }),
    );
  });

  test("accepts every key of visible ASCII up to the limit", () => {
    const visibleChar = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
    const key = fc.string({
      unit: visibleChar,
      minLength: 1,
      maxLength: MAX_IDEMPOTENCY_KEY_LENGTH,
    });
    fc.assert(fc.property(key, (value) => idempotencyKeyProblem(value) === null));
  });
});

describe("the idempotency-key metadata between the kit's client and server", () => {
  let host: GrpcServer;
  let client: PromiseClient<EchoServiceDefinition>;
  beforeAll(async () => {
    host = await startEchoHost({
      async handler(request, caller) {
        if (request.text === "reused") {
          throw idempotencyKeyReused("Idempotency-Key: already used");
        }
        return { text: caller.idempotencyKey ?? "(none)", userId: caller.userId };
      },
    });
    client = createClient(echoService, `127.0.0.1:${host.port}`, {
      timeoutMs: 2_000,
      callerKey: parseSigningKey(testCallerKeys.signingKey),
    });
  });
  afterAll(async () => {
    client.close();
    await host.shutdown();
  });

  const call = (text: string, idempotencyKey?: string) =>
    client
      .echo(
        { text },
        idempotencyKey === undefined ? { userId: USER_ID } : { userId: USER_ID, idempotencyKey },
      )
      .then(
        (response) => response.text,
        (error: { code: status; details: string; errorCode?: string }) => ({
          code: status[error.code],
          details: error.details,
          errorCode: error.errorCode,
        }),
      );

  test("hands the key to the handler", async () => {
    expect(await call("x", "order-42")).toBe("order-42");
  });

  test("hands no key when the call carries none", async () => {
    expect(await call("x")).toBe("(none)");
  });

  test("refuses a malformed key before the handler runs", async () => {
    expect(await call("x", "k".repeat(256))).toEqual({
      code: "INVALID_ARGUMENT",
      details: `idempotency-key: ${PROBLEM}`,
      errorCode: "INVALID_ARGUMENT",
    });
  });

  test("a reused key is FAILED_PRECONDITION with its own code in the trailers", async () => {
    expect(await call("reused", "k")).toEqual({
      code: "FAILED_PRECONDITION",
      details: "Idempotency-Key: already used",
      errorCode: "IDEMPOTENCY_KEY_REUSED",
    });
  });
});
