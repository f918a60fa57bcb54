import { expect, test } from "bun:test";
import fc from "fast-check";
import { type QueryRule, queryToFields } from "./query-fields.ts";

const noBody: QueryRule = { bound: [], body: "" };
const notesUpdate: QueryRule = { bound: ["note.id"], body: "note" };

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const refused = (message: string) => ({ ok: false, error: { code: "INVALID_ARGUMENT", message } });

const cases = [
  { name: "an empty query", query: "", rule: noBody, want: { ok: true, fields: {} } },
  { name: "a lone '?'", query: "?", rule: noBody, want: { ok: true, fields: {} } },
  {
    name: "top-level fields (http.proto's revision)",
    query: "?revision=2&page_size=20",
    rule: noBody,
    want: { ok: true, fields: { revision: "2", page_size: "20" } },
  },
  {
    name: "nested fields (http.proto's sub.subfield)",
    query: "revision=2&sub.subfield=foo&sub.other=bar&a.b.c=1",
    rule: noBody,
    want: {
      ok: true,
      fields: { revision: "2", sub: { subfield: "foo", other: "bar" }, a: { b: { c: "1" } } },
    },
  },
  {
    name: "a repeated field as a list",
    query: "tag=x&tag=y&tag=z",
    rule: noBody,
    want: { ok: true, fields: { tag: ["x", "y", "z"] } },
  },
  {
    name: "percent-escapes and '+' decoded in names and values",
    query: "q=a+b%20c%26d&na%6De=%C3%A9&sub%2Efield=1",
    rule: noBody,
    want: { ok: true, fields: { q: "a b c&d", name: "é", sub: { field: "1" } } },
  },
  {
    name: "a name without a value, empty pairs skipped",
    query: "flag&&x=&y=1=2",
    rule: noBody,
    want: { ok: true, fields: { flag: "", x: "", y: "1=2" } },
  },
  {
    name: "fields beside the path's and the body's",
    query: "update_mask=title&note_id=1",
    rule: notesUpdate,
    want: { ok: true, fields: { update_mask: "title", note_id: "1" } },
  },
  {
    name: "a malformed escape in a value",
    query: "title=%zz",
    rule: noBody,
    want: refused('query parameter "title": malformed percent-encoding'),
  },
  {
    name: "a malformed escape in a name",
    query: "ti%tle=1",
    rule: noBody,
    want: refused('query parameter "ti%tle": malformed percent-encoding'),
  },
  {
    name: "an empty name",
    query: "=1",
    rule: noBody,
    want: refused('query parameter "": not a field path'),
  },
  {
    name: "an empty segment",
    query: "a..b=1",
    rule: noBody,
    want: refused('query parameter "a..b": not a field path'),
  },
  {
    name: "a trailing dot",
    query: "a.=1",
    rule: noBody,
    want: refused('query parameter "a.": not a field path'),
  },
  {
    name: "a name with '-'",
    query: "page-size=1",
    rule: noBody,
    want: refused('query parameter "page-size": not a field path'),
  },
  {
    name: "'__proto__'",
    query: "__proto__.polluted=1",
    rule: noBody,
    want: refused('query parameter "__proto__.polluted": a reserved name'),
  },
  {
    name: "'constructor'",
    query: "a.constructor.prototype=1",
    rule: noBody,
    want: refused('query parameter "a.constructor.prototype": a reserved name'),
  },
  {
    name: "'prototype'",
    query: "prototype=1",
    rule: noBody,
    want: refused('query parameter "prototype": a reserved name'),
  },
  {
    name: "a nested field named like the path's",
    query: "note.id=2",
    rule: { bound: ["id"], body: "" },
    want: { ok: true, fields: { note: { id: "2" } } },
  },
  {
    name: "the path's field",
    query: "id=2",
    rule: { bound: ["id"], body: "" },
    want: refused('query parameter "id": already bound by the path'),
  },
  {
    name: "inside the path's field",
    query: "note.id.x=2",
    rule: notesUpdate,
    want: refused('query parameter "note.id.x": already bound by the path'),
  },
  {
    name: "around the path's field",
    query: "note=2",
    rule: { bound: ["note.id"], body: "" },
    want: refused('query parameter "note": already bound by the path'),
  },
  {
    name: "the body's field",
    query: "note.title=x",
    rule: notesUpdate,
    want: refused('query parameter "note.title": carried by the request body'),
  },
  {
    name: "any field when the body is '*'",
    query: "x=1",
    rule: { bound: [], body: "*" },
    want: refused('query parameter "x": not allowed: the request body carries every field'),
  },
  {
    name: "a value, then fields",
    query: "a=1&a.b=2",
    rule: noBody,
    want: refused('query parameter "a.b": a is a value, so it cannot have fields'),
  },
  {
    name: "fields, then a value",
    query: "a.b=2&a=1",
    rule: noBody,
    want: refused('query parameter "a": a has fields, so it cannot be a value'),
  },
];

test.each(cases)("queryToFields: $name", ({ query, rule, want }) => {
  const got = queryToFields(query, rule);
  const comparable = got.ok
    ? { ok: true, fields: plain(got.fields) }
    : { ok: false, error: { code: got.error.code, message: got.error.message } };
  expect(comparable).toEqual(want as never);
});

test("every object in the tree is without a prototype", () => {
  const got = queryToFields("a.b.c=1&a.d=2", noBody);
  const a = got.ok ? got.fields.a : undefined;
  expect(got.ok && Object.getPrototypeOf(got.fields)).toBeNull();
  expect(typeof a === "object" && !Array.isArray(a) && Object.getPrototypeOf(a)).toBeNull();
});

test("queryToFields never throws and never reaches Object.prototype", () => {
  const piece = fc.constantFrom(
    ..."=&.+%ab_",
    "__proto__",
    "constructor",
    "prototype",
    "%2E",
    "%zz",
    "%C3%A9",
    "a.b",
  );
  const query = fc.oneof(fc.string({ unit: piece }), fc.string({ unit: "binary" }));
  const rule = fc.record({
    bound: fc.array(fc.constantFrom("a", "a.b", "id")),
    body: fc.constantFrom("", "*", "a", "b"),
  });
  fc.assert(
    fc.property(query, rule, (q, r) => {
      const got = queryToFields(q, r);
      expect(typeof got.ok).toBe("boolean");
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }),
  );
});
