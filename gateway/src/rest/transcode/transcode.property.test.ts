import { expect, test } from "bun:test";
import { create, equals, fromBinary, toJson } from "@bufbuild/protobuf";
import { DurationSchema, TimestampSchema } from "@bufbuild/protobuf/wkt";
import fc from "fast-check";
import { queryToFields } from "../query-fields.ts";
import { encodeRequest, type RequestRule } from "./encode-request.ts";
import { BookSchema, UpdateBookRequestSchema } from "./testing/books.ts";
import { notesRule } from "./testing/notes-rules.ts";

const rules: RequestRule[] = [
  ...["CreateNote", "GetNote", "ListNotes", "UpdateNote", "DeleteNote"].map(notesRule),
  { body: "*", bodyMask: "", requestType: BookSchema },
  { body: "", bodyMask: "", requestType: BookSchema },
  { body: "book", bodyMask: "update_mask", requestType: UpdateBookRequestSchema },
];

// Names and values a client might send, right or wrong, so that queries reach the typing.
const names = ["page_size", "pageSize", "page_token", "pages", "in_print", "color", "tags"];
const moreNames = ["label.weight", "label.child.key", "counts.a", "update_mask", "name", "x"];
const parameter = fc.tuple(
  fc.constantFrom(...names, ...moreNames),
  fc.oneof(fc.constantFrom("1", "-1", "true", "COLOR_RED", "9223372036854775808", ""), fc.string()),
);
const query = fc
  .array(parameter, { maxLength: 5 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&"));
// Bodies that name fields, down to nested messages and lists of them, so that errors are
// located below the top level too.
const keys = [
  "title",
  "body",
  "id",
  "pages",
  "copies",
  "label",
  "labels",
  "child",
  "key",
  "weight",
];
const moreKeys = ["counts", "color", "colors", "publish_time", "time", "stock", "loan", "isbn"];
const { body } = fc.letrec((tie) => ({
  body: fc.oneof(
    { depthSize: "small" },
    fc.jsonValue({ maxDepth: 1 }),
    fc.array(tie("body"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...keys, ...moreKeys, "catalog", "tags"), tie("body"), {
      maxKeys: 4,
    }),
  ),
}));
const bindings = fc.dictionary(fc.constantFrom("id", "note.id", "book.name", "rank"), fc.string());

test("a request of any JSON body, query and path gives a message or a named error", () => {
  fc.assert(
    fc.property(fc.constantFrom(...rules), body, query, bindings, (rule, json, q, b) => {
      const fields = queryToFields(q, { bound: Object.keys(b), body: rule.body });
      if (!fields.ok) {
        return;
      }
      const got = encodeRequest(rule, { bindings: b, query: fields.fields, body: json });
      if (!got.ok) {
        expect(got.error.code).toBe("INVALID_ARGUMENT");
        expect(got.error.message).toContain(got.error.field);
      }
    }),
    { numRuns: 2000 },
  );
});

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const timestamp = fc
  .record({
    seconds: fc.bigInt({ min: -62135596800n, max: 253402300799n }),
    nanos: fc.integer({ min: 0, max: 999_999_999 }),
  })
  .map((t) => create(TimestampSchema, t));
const duration = fc
  .record({ seconds: fc.bigInt({ min: 0n, max: 315576000000n }), nanos: fc.nat(999_999_999) })
  .map((d) => create(DurationSchema, d));
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const label = fc.record({ key: fc.string(), weight: int64, time: optional(timestamp) });
const color = fc.constantFrom(0, 1, 2);
const format = fc.oneof(
  fc.constant({ case: undefined }),
  fc.record({ case: fc.constant("isbn" as const), value: fc.string() }),
  fc.record({ case: fc.constant("catalog" as const), value: int32 }),
);
const book = fc
  .record({
    name: fc.string(),
    pages: int64,
    copies: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    color,
    tags: fc.array(fc.string(), { maxLength: 3 }),
    label: optional(label),
    labels: fc.array(label, { maxLength: 3 }),
    publishTime: optional(timestamp),
    inPrint: fc.boolean(),
    // -0 is written as 0, which reads back as 0: the same number, another value. NaN goes
    // through ("NaN"), but protobuf-es's equals, like ===, finds NaN unequal to itself.
    price: fc.double({ noNaN: true }).map((d) => (Object.is(d, -0) ? 0 : d)),
    rank: int32,
    cover: fc.uint8Array({ maxLength: 8 }),
    counts: fc.dictionary(fc.string(), int32, { maxKeys: 3 }),
    colors: fc.array(color, { maxLength: 3 }),
    stock: optional(int64),
    loan: optional(duration),
    format,
  })
  .map((init) => create(BookSchema, init));

test("a message written as proto3 JSON and sent as the body transcodes back to itself", () => {
  const rule: RequestRule = { body: "*", bodyMask: "", requestType: BookSchema };
  fc.assert(
    fc.property(book, fc.boolean(), (message, useProtoFieldName) => {
      const json = toJson(BookSchema, message, { useProtoFieldName });
      const body: unknown = JSON.parse(JSON.stringify(json));
      const got = encodeRequest(rule, { bindings: {}, query: Object.create(null), body });
      if (!got.ok) {
        throw new Error(got.error.message);
      }
      expect(equals(BookSchema, fromBinary(BookSchema, got.bytes), message)).toBe(true);
    }),
    { numRuns: 500 },
  );
});
