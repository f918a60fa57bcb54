import { expect, test } from "bun:test";
import { idempotencyKeyProblem } from "@trellis/service-kit";
import fc from "fast-check";
import { idempotencyKeySchema } from "./idempotency-key.ts";

/** JSON Schema's string keywords as a validator applies them: lengths count code points. */
function matchesSchema(value: string): boolean {
  const { minLength, maxLength, pattern } = idempotencyKeySchema;
  const length = [...value].length;
  return length >= minLength && length <= maxLength && new RegExp(pattern, "u").test(value);
}

test("the documented Idempotency-Key schema accepts exactly the keys the gateway accepts", () => {
  const visible = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
  const key = fc.oneof(
    fc.string({ unit: visible, minLength: 0, maxLength: 300 }),
    fc.string({ unit: fc.constantFrom(..."ab -\t~é\u007f\n😀"), maxLength: 300 }),
    fc.string({ unit: "binary", maxLength: 40 }),
  );
  fc.assert(
    fc.property(key, (value) => {
      expect(matchesSchema(value)).toBe(idempotencyKeyProblem(value) === null);
    }),
    { numRuns: 2_000 },
  );
});

test.each([
  ["a UUID", "0190a1b2-0000-7000-8000-0000000000b1", true],
  ["255 characters", "k".repeat(255), true],
  ["256 characters", "k".repeat(256), false],
  ["empty", "", false],
  ["a space inside", "two words", false],
])("the schema and the gateway agree on %s", (_name, value, accepted) => {
  expect([matchesSchema(value), idempotencyKeyProblem(value) === null]).toEqual([
    accepted,
    accepted,
  ]);
});
