import { expect, test } from "bun:test";
import { create, type DescMessage, toBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { LabelSchema, RecordSchema } from "../testing/books.ts";
import { label, protobufEsJson, record } from "../testing/record-arbitraries.ts";
import { decodeToJson } from "./decode.ts";
import { planOf } from "./plan.ts";

// The fast path must write exactly what it replaces: protobuf-es's toJson (every implicit field
// kept) with timestamp-millis.ts, in the same key order, for any message of these contracts.

function fastJson(schema: DescMessage, bytes: Uint8Array): string {
  const plan = planOf(schema);
  if (plan === null) {
    throw new Error(`${schema.typeName} has no plan`);
  }
  return JSON.stringify(decodeToJson(plan, bytes));
}

test.each([
  ["test.v1.Record", RecordSchema, record],
  ["test.v1.Label", LabelSchema, label],
] as const)("%s: the fast path writes protobuf-es's JSON, byte for byte", (_, schema, values) => {
  fc.assert(
    fc.property(values, (init) => {
      const bytes = toBinary(schema, create(schema, init as never));
      expect(fastJson(schema, bytes)).toBe(protobufEsJson(schema, bytes));
    }),
    { numRuns: 400 },
  );
});

test("two encodings of a message merge as protobuf's do: scalars last, lists appended, messages merged", () => {
  const first = toBinary(
    RecordSchema,
    create(RecordSchema, {
      vString: "a",
      names: ["x"],
      label: { key: "k" },
      format: { case: "isbn", value: "i" },
    } as never),
  );
  const second = toBinary(
    RecordSchema,
    create(RecordSchema, {
      vString: "b",
      names: ["y"],
      label: { weight: 2n },
      format: { case: "catalog", value: 3 },
    } as never),
  );
  const both = new Uint8Array([...first, ...second]);
  expect(fastJson(RecordSchema, both)).toBe(protobufEsJson(RecordSchema, both));
});

test.each([
  ["a truncated message", Uint8Array.of(0x4a, 0x05, 0x61)],
  ["a field with the wrong wire type", Uint8Array.of(0x48, 0x01)],
  ["a varint that does not end", Uint8Array.of(0x18, 0xff, 0xff)],
])("refuses %s (protobuf-es refuses it too)", (_, bytes) => {
  expect(() => protobufEsJson(RecordSchema, bytes)).toThrow();
  expect(() => fastJson(RecordSchema, bytes)).toThrow();
});

test.each(["test.v1.Book", "test.v1.UpdateBookRequest"])(
  "%s (a map, a FieldMask) is left to protobuf-es",
  (name) => {
    const schema = name === "test.v1.Book" ? RecordSchema.file : RecordSchema.file;
    const desc = schema.messages.find((m) => m.typeName === name);
    expect(desc).toBeDefined();
    expect(planOf(desc as DescMessage)).toBeNull();
  },
);
