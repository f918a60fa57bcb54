import { expect, test } from "bun:test";
import fc from "fast-check";
import type { SessionEnd } from "../auth/session-ends.ts";
import { decodeSessionEnd, encodeSessionEnd } from "./session-end-message.ts";

const id = fc.string({ minLength: 1, maxLength: 200 });
const end: fc.Arbitrary<SessionEnd> = fc.oneof(
  id.map((sessionId) => ({ sessionId })),
  id.map((userId) => ({ userId })),
);

test("every end survives the trip through a message", () => {
  fc.assert(fc.property(end, (e) => expect(decodeSessionEnd(encodeSessionEnd(e))).toEqual(e)));
});

test("any other text decodes to nothing, and never throws", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
      const decoded = decodeSessionEnd(text);
      if (decoded !== null) {
        expect(encodeSessionEnd(decoded)).toBe(JSON.stringify(JSON.parse(text)));
      }
    }),
  );
});

test.each([
  { name: "both kinds at once", text: '{"s":"a","u":"b"}' },
  { name: "an empty id", text: '{"s":""}' },
  { name: "a number", text: '{"u":7}' },
  { name: "null", text: "null" },
  { name: "not JSON", text: "s:a" },
])("refuses $name", ({ text }) => {
  expect(decodeSessionEnd(text)).toBeNull();
});
