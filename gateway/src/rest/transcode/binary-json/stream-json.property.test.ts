import { expect, test } from "bun:test";
import { create, type DescMessage, toBinary } from "@bufbuild/protobuf";
import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import fc from "fast-check";
import { LabelSchema, OddKeysSchema, RecordSchema } from "../testing/books.ts";
import { label, protobufEsJson, record } from "../testing/record-arbitraries.ts";
import { type ResponseRule, writeResponse, writeResponseBody } from "../write-response.ts";
import { decodeToJson } from "./decode.ts";
import { JsonOut } from "./json-out.ts";
import { planOf } from "./plan.ts";
import { streamJson } from "./stream-json.ts";
import { writeTimestamp } from "./timestamp-bytes.ts";
import { timestampJson } from "./well-known.ts";
import { WireReader } from "./wire-reader.ts";

// The one-pass writer must send exactly the bytes the object path sent (its JSON stringified),
// which the binary-json property test holds to protobuf-es's; and give way to it for anything
// it cannot write in one pass.

const text = (bytes: Uint8Array | null): string | null =>
  bytes === null ? null : new TextDecoder().decode(bytes);

function planFor(schema: DescMessage) {
  const plan = planOf(schema);
  if (plan === null) {
    throw new Error(`${schema.typeName} has no plan`);
  }
  return plan;
}

test.each([
  ["test.v1.Record", RecordSchema, record],
  ["test.v1.Label", LabelSchema, label],
] as const)("%s: one pass writes protobuf-es's JSON, byte for byte", (_, schema, values) => {
  fc.assert(
    fc.property(values, (init) => {
      const bytes = toBinary(schema, create(schema, init as never));
      expect(text(streamJson(planFor(schema), bytes))).toBe(protobufEsJson(schema, bytes));
    }),
    { numRuns: 400 },
  );
});

const rule = (responseBody: string): ResponseRule => ({
  responseBody,
  responseType: RecordSchema,
  successStatus: 200,
});

/** What the route sent before: writeResponse's value, stringified. */
function objectPath(responseRule: ResponseRule, bytes: Uint8Array) {
  const written = writeResponse(responseRule, bytes);
  return written.ok ? JSON.stringify(written.json) : "refused";
}

function bodyPath(responseRule: ResponseRule, bytes: Uint8Array) {
  const written = writeResponseBody(responseRule, bytes);
  return written.ok ? text(written.body) : "refused";
}

test.each([
  "",
  "v_string",
  "names",
  "label",
  "labels",
  "loan",
  "note",
  "isbn",
  "colors",
  "v_int64",
])("response_body %p: the body's bytes are the object path's JSON", (responseBody) => {
  fc.assert(
    fc.property(record, (init) => {
      const bytes = toBinary(RecordSchema, create(RecordSchema, init as never));
      expect(bodyPath(rule(responseBody), bytes)).toBe(objectPath(rule(responseBody), bytes));
    }),
    { numRuns: 150 },
  );
});

test("two encodings one after the other (not canonical): one pass gives way, the answer merges", () => {
  fc.assert(
    fc.property(record, record, (a, b) => {
      const first = toBinary(RecordSchema, create(RecordSchema, a as never));
      const second = toBinary(RecordSchema, create(RecordSchema, b as never));
      const both = new Uint8Array([...first, ...second]);
      expect(bodyPath(rule(""), both)).toBe(objectPath(rule(""), both));
    }),
    { numRuns: 200 },
  );
});

test.each([
  ["a later field first", [0x4a, 0x01, 0x61, 0x18, 0x01]], // v_string, then v_int64
  ["a field twice", [0x18, 0x01, 0x18, 0x02]],
  ["a list split by another field", [0x9a, 0x01, 0x01, 0x61, 0x18, 0x01, 0x9a, 0x01, 0x01, 0x62]],
  ["both members of a oneof", [0xca, 0x01, 0x01, 0x61, 0xd0, 0x01, 0x05]],
])("%s is not canonical: one pass gives way", (_, bytes) => {
  const wire = Uint8Array.from(bytes);
  expect(streamJson(planFor(RecordSchema), wire)).toBeNull();
  expect(bodyPath(rule(""), wire)).toBe(protobufEsJson(RecordSchema, wire));
});

test.each([
  ["a truncated message", [0x4a, 0x05, 0x61]],
  ["a field with the wrong wire type", [0x48, 0x01]],
  ["a varint that does not end", [0x18, 0xff, 0xff]],
  ["a Timestamp's seconds with the wrong wire type", [0xa2, 0x01, 0x04, 0x1a, 0x02, 0x0d, 0x01]],
])("refuses %s, as the object path does", (_, bytes) => {
  const wire = Uint8Array.from(bytes);
  expect(objectPath(rule(""), wire)).toBe("refused");
  expect(bodyPath(rule(""), wire)).toBe("refused");
});

test("a string field's bytes, any of them (invalid UTF-8, quotes, controls), read as the object path reads them", () => {
  const tricky = fc.uint8Array({ maxLength: 24 }).chain((random) =>
    fc
      .array(
        fc.constantFrom(0x00, 0x0a, 0x22, 0x5c, 0x7f, 0x80, 0xc3, 0xa9, 0xe2, 0xf0, 0xff, 0x41),
        {
          maxLength: 8,
        },
      )
      .map((special) => Uint8Array.from([...random, ...special].sort(() => 0))),
  );
  fc.assert(
    fc.property(tricky, (value) => {
      const bytes = new BinaryWriter().tag(9, 2).bytes(value).finish();
      const plan = planFor(RecordSchema);
      expect(text(streamJson(plan, bytes))).toBe(JSON.stringify(decodeToJson(plan, bytes)));
    }),
    { numRuns: 500 },
  );
});

test("a Timestamp is written as timestampJson writes it, across proto3 JSON's range", () => {
  const nanos = fc.oneof(
    fc.integer({ min: 0, max: 999 }).map((ms) => ms * 1_000_000),
    fc.integer({ min: 0, max: 999_999 }).map((us) => us * 1_000),
    fc.integer({ min: 0, max: 999_999_999 }),
  );
  const seconds = fc.oneof(
    fc.integer({ min: -62135596800, max: 253402300799 }),
    fc.constantFrom(-62135596800, 253402300799, 0, -1, 951782400, 951868800, 4107542400),
  );
  fc.assert(
    fc.property(seconds, nanos, (s, n) => {
      const out = new JsonOut();
      writeTimestamp(out, s, n);
      expect(text(out.finish())).toBe(JSON.stringify(timestampJson([String(s), n])));
    }),
    { numRuns: 2_000 },
  );
});

test.each([
  [-62135596801, 0],
  [253402300800, 0],
  [0, -1],
  [0, 1_000_000_000],
])("a Timestamp of %p s and %p ns is refused, as timestampJson refuses it", (s, n) => {
  expect(() => timestampJson([String(s), n])).toThrow("out of range");
  expect(() => writeTimestamp(new JsonOut(), s, n)).toThrow("out of range");
});

test("int64Number reads what int64() reads, negative values' ten bytes included", () => {
  const value = fc.oneof(
    fc.bigInt({ min: -(2n ** 53n) + 1n, max: 2n ** 53n - 1n }),
    fc.constantFrom(0n, -1n, 2n ** 31n, -(2n ** 31n), 2n ** 32n, -(2n ** 32n) - 1n),
  );
  fc.assert(
    fc.property(value, (v) => {
      const bytes = new BinaryWriter().int64(v).finish();
      expect(new WireReader(bytes).int64Number()).toBe(Number(new BinaryReader(bytes).int64()));
    }),
    { numRuns: 2_000 },
  );
});

test("an answer's bytes stay as written when the next answers are written, large ones included", () => {
  const plan = planFor(RecordSchema);
  const answers = ["a", "b".repeat(40_000), "c".repeat(3_000_000), "d"].map((vString) =>
    toBinary(RecordSchema, create(RecordSchema, { vString } as never)),
  );
  const written = answers.map((bytes) => streamJson(plan, bytes));
  written.forEach((bytes, i) => {
    expect(text(bytes)).toBe(protobufEsJson(RecordSchema, answers[i] as Uint8Array));
  });
});

test("json_names an object would reorder or drop ('1', '__proto__') are left to protobuf-es", () => {
  const bytes = Uint8Array.of(0x08, 0x05, 0x10, 0x07, 0x18, 0x09);
  expect(planOf(OddKeysSchema)).toBeNull();
  const oddRule: ResponseRule = {
    responseBody: "",
    responseType: OddKeysSchema,
    successStatus: 200,
  };
  expect(bodyPath(oddRule, bytes)).toBe(objectPath(oddRule, bytes));
});
