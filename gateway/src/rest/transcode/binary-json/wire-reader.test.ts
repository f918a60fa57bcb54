import { expect, test } from "bun:test";
import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import fc from "fast-check";
import { WireReader } from "./wire-reader.ts";

// WireReader#text must read what protobuf-es's BinaryReader#string reads, invalid UTF-8 included.

/** Bytes as a length-delimited field value, between other bytes (a string inside a message). */
function delimited(bytes: Uint8Array): Uint8Array {
  const writer = new BinaryWriter().uint32(7).bytes(bytes).uint32(9);
  return writer.finish();
}

function readBoth(bytes: Uint8Array): { ours: unknown; theirs: unknown } {
  const read = (reader: BinaryReader, text: () => string) => {
    reader.uint32();
    const value = text();
    return { value, next: reader.uint32(), pos: reader.pos };
  };
  const ours = new WireReader(bytes);
  const theirs = new BinaryReader(bytes);
  return { ours: read(ours, () => ours.text()), theirs: read(theirs, () => theirs.string()) };
}

const tricky = fc
  .array(
    fc.constantFrom(
      0x00,
      0x41,
      0x7f,
      0x80,
      0xbf,
      0xc0,
      0xc2,
      0xe0,
      0xed,
      0xef,
      0xbb,
      0xf0,
      0xf4,
      0xf5,
      0xff,
    ),
    { maxLength: 40 },
  )
  .map((codes) => Uint8Array.from(codes));
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 80 }),
  tricky,
  fc.string({ unit: "binary", maxLength: 80 }).map((text) => new TextEncoder().encode(text)),
);

test("reads any string field's bytes as protobuf-es does", () => {
  fc.assert(
    fc.property(bytes, fc.boolean(), (value, asBuffer) => {
      const message = delimited(value);
      const { ours, theirs } = readBoth(asBuffer ? Buffer.from(message) : message);
      expect(ours).toEqual(theirs);
    }),
    { numRuns: 20_000 },
  );
});

test.each([
  { name: "a leading byte-order mark", value: [0xef, 0xbb, 0xbf, 0x41] },
  { name: "a lone continuation byte", value: [0x41, 0x80, 0x42] },
  { name: "a surrogate's encoding", value: [0xed, 0xa0, 0x80] },
  { name: "a truncated 4-byte sequence", value: [0xf0, 0x9f, 0xa6] },
  { name: "33 bytes of ASCII", value: [...Buffer.from("a".repeat(33))] },
])("reads $name as protobuf-es does", ({ value }) => {
  const { ours, theirs } = readBoth(delimited(Uint8Array.from(value)));
  expect(ours).toEqual(theirs);
});

test("refuses a string that runs past the end, as protobuf-es does", () => {
  const cut = delimited(Buffer.from("hello")).subarray(0, 4);
  const reader = new WireReader(cut);
  reader.uint32();
  expect(() => reader.text()).toThrow(new RangeError("premature EOF"));
  const theirs = new BinaryReader(cut);
  theirs.uint32();
  expect(() => theirs.string()).toThrow(new RangeError("premature EOF"));
});
