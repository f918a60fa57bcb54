import { expect, test } from "bun:test";
import { create, type DescMessage, fromBinary, toBinary, toJson } from "@bufbuild/protobuf";
import fc from "fast-check";
import { LabelSchema, RecordSchema } from "../testing/books.ts";
import { timestampsWithMillis } from "../timestamp-millis.ts";
import { decodeToJson } from "./decode.ts";
import { planOf } from "./plan.ts";

// The fast path must write exactly what it replaces: protobuf-es's toJson (every implicit field
// kept) with timestamp-millis.ts, in the same key order, for any message of these contracts.

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const uint32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const float32 = fc.float({ noDefaultInfinity: false }).map(Math.fround);
const nanos = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 999 }).map((ms) => ms * 1_000_000),
  fc.integer({ min: 0, max: 999_999_999 }),
);
const timestamp = fc.record({
  seconds: fc.bigInt({ min: -62135596800n, max: 253402300799n }),
  nanos,
});
const duration = fc
  .tuple(fc.bigInt({ min: -315576000000n, max: 315576000000n }), nanos)
  .map(([seconds, n]) => ({ seconds, nanos: seconds < 0n ? -n : seconds === 0n ? n : n }));
const color = fc.constantFrom(0, 1, 2, 7);

const { label } = fc.letrec((tie) => ({
  label: fc.record(
    {
      key: fc.string(),
      weight: int64,
      time: timestamp,
      child: fc.option(tie("label"), { nil: undefined, depthSize: "small" }),
    },
    { requiredKeys: [] },
  ),
}));

const record = fc.record(
  {
    vDouble: fc.double(),
    vFloat: float32,
    vInt64: int64,
    vUint64: uint64,
    vInt32: fc.integer(),
    vFixed64: uint64,
    vFixed32: uint32,
    vBool: fc.boolean(),
    vString: fc.string({ unit: "grapheme" }),
    vBytes: fc.uint8Array({ maxLength: 12 }),
    vUint32: uint32,
    vSfixed32: fc.integer(),
    vSfixed64: int64,
    vSint32: fc.integer(),
    vSint64: int64,
    color,
    colors: fc.array(color, { maxLength: 3 }),
    numbers: fc.array(int64, { maxLength: 3 }),
    names: fc.array(fc.string(), { maxLength: 3 }),
    label,
    labels: fc.array(label, { maxLength: 2 }),
    loan: duration,
    // protobuf-es holds a wrapper field as its value.
    stock: int64,
    note: fc.string(),
    format: fc.oneof(
      fc.record({ case: fc.constant("isbn" as const), value: fc.string() }),
      fc.record({ case: fc.constant("catalog" as const), value: fc.integer() }),
      fc.constant({ case: undefined }),
    ),
    doubles: fc.array(fc.double(), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

function protobufEsJson(schema: DescMessage, bytes: Uint8Array): string {
  const json = toJson(schema, fromBinary(schema, bytes), { alwaysEmitImplicit: true });
  timestampsWithMillis(schema, json);
  return JSON.stringify(json);
}

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
