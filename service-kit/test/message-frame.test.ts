import { expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import fc from "fast-check";
import { declaredLength, frameMessage, unaryMessage } from "../src/wire/message-frame.ts";

test("a framed message reads back as itself, its length declared up front", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2_000 }), (message) => {
      const framed = frameMessage(message);

      expect(declaredLength(framed)).toBe(message.length);
      expect(unaryMessage(framed)).toEqual(Buffer.from(message));
    }),
  );
});

const twoMessages = Buffer.concat([frameMessage(Buffer.from("a")), frameMessage(Buffer.from("b"))]);
const compressed = frameMessage(Buffer.from("zz"));
compressed[0] = 1;

test.each([
  { name: "an empty body", body: Buffer.alloc(0), code: status.UNIMPLEMENTED },
  { name: "a cut prefix", body: Buffer.from([0, 0, 0]), code: status.INTERNAL },
  {
    name: "a message shorter than declared",
    body: frameMessage(Buffer.from("hello")).subarray(0, 8),
    code: status.INTERNAL,
  },
  { name: "two messages", body: twoMessages, code: status.UNIMPLEMENTED },
  { name: "a compressed message", body: compressed, code: status.INTERNAL },
])("refuses $name as a unary message", ({ body, code }) => {
  const got = unaryMessage(body);

  expect(got).not.toBeInstanceOf(Buffer);
  expect((got as { code: number }).code).toBe(code);
});

test("the declared length is unknown until five bytes arrived", () => {
  expect(declaredLength(Buffer.from([0, 0, 0, 1]))).toBeUndefined();
});
