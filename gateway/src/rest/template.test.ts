import { expect, test } from "bun:test";
import fc from "fast-check";
import { formatTemplate } from "./format-template.ts";
import { parseTemplate } from "./template.ts";
import { templateText } from "./testing/arbitraries.ts";

const lit = (text: string) => ({ kind: "literal", text });
const star = { kind: "wildcard" };
const deep = { kind: "deep-wildcard" };
const variable = (field: string, ...segments: object[]) => ({
  kind: "variable",
  field,
  segments: segments.length === 0 ? [star] : segments,
});

// From http.proto's examples and grpc-gateway's internal/httprule parse tests.
const valid = [
  { name: "the root", text: "/", segments: [], verb: null, canonical: "/" },
  { name: "one literal", text: "/v1", segments: [lit("v1")], verb: null, canonical: "/v1" },
  {
    name: "a variable with a template",
    text: "/v1/{name=messages/*}",
    segments: [lit("v1"), variable("name", lit("messages"), star)],
    verb: null,
    canonical: "/v1/{name=messages/*}",
  },
  {
    name: "a short variable",
    text: "/v1/messages/{message_id}",
    segments: [lit("v1"), lit("messages"), variable("message_id")],
    verb: null,
    canonical: "/v1/messages/{message_id}",
  },
  {
    name: "{x=*} as {x}",
    text: "/v1/b/{bucket_name=*}",
    segments: [lit("v1"), lit("b"), variable("bucket_name")],
    verb: null,
    canonical: "/v1/b/{bucket_name}",
  },
  {
    name: "a nested field path",
    text: "/v1/messages/{message_id}/{sub.subfield}",
    segments: [lit("v1"), lit("messages"), variable("message_id"), variable("sub.subfield")],
    verb: null,
    canonical: "/v1/messages/{message_id}/{sub.subfield}",
  },
  {
    name: "wildcards outside variables",
    text: "/v1/*/endpoint/**",
    segments: [lit("v1"), star, lit("endpoint"), deep],
    verb: null,
    canonical: "/v1/*/endpoint/**",
  },
  {
    name: "variables then a deep variable",
    text: "/v1/{name.nested=a/b/*}/o/{another_name=a/b/*/c}/{rest=**}",
    segments: [
      lit("v1"),
      variable("name.nested", lit("a"), lit("b"), star),
      lit("o"),
      variable("another_name", lit("a"), lit("b"), star, lit("c")),
      variable("rest", deep),
    ],
    verb: null,
    canonical: "/v1/{name.nested=a/b/*}/o/{another_name=a/b/*/c}/{rest=**}",
  },
  {
    name: "a custom verb after a variable",
    text: "/v1/{name=shelves/*}:archive",
    segments: [lit("v1"), variable("name", lit("shelves"), star)],
    verb: "archive",
    canonical: "/v1/{name=shelves/*}:archive",
  },
  {
    name: "a custom verb after a literal, taken at the last ':'",
    text: "/v1/a:b:cancel",
    segments: [lit("v1"), lit("a:b")],
    verb: "cancel",
    canonical: "/v1/a:b:cancel",
  },
  {
    name: "a ':' inside a variable's template",
    text: "/v1/{name=segment/wi:th}",
    segments: [lit("v1"), variable("name", lit("segment"), lit("wi:th"))],
    verb: null,
    canonical: "/v1/{name=segment/wi:th}",
  },
  {
    name: "sub-delims, ':' and '@' in literals",
    text: "/v1/a=b&c=d;e=f:g/-._~!$&'()+,;=@/endpoint.rdf",
    segments: [lit("v1"), lit("a=b&c=d;e=f:g"), lit("-._~!$&'()+,;=@"), lit("endpoint.rdf")],
    verb: null,
    canonical: "/v1/a=b&c=d;e=f:g/-._~!$&'()+,;=@/endpoint.rdf",
  },
  {
    name: "a percent-encoded literal, kept as written",
    text: "/%e7%ac%ac%e4%b8%80%e7%89%88",
    segments: [lit("%e7%ac%ac%e4%b8%80%e7%89%88")],
    verb: null,
    canonical: "/%e7%ac%ac%e4%b8%80%e7%89%88",
  },
  {
    name: "a deep wildcard before a verb",
    text: "/v1/{name=**}:undelete",
    segments: [lit("v1"), variable("name", deep)],
    verb: "undelete",
    canonical: "/v1/{name=**}:undelete",
  },
];

test.each(valid)("parseTemplate reads $name", ({ text, segments, verb, canonical }) => {
  const got = parseTemplate(text);
  expect(got).toEqual({ ok: true, template: { segments, verb } } as never);
  expect(got.ok && formatTemplate(got.template)).toBe(canonical);
});

const invalid = [
  { name: "no leading slash", text: "v1/{name}", problem: "must start with /" },
  { name: "the empty string", text: "", problem: "must start with /" },
  { name: "an empty segment", text: "/v1//notes", problem: "empty segment" },
  { name: "a trailing slash", text: "/v1/", problem: "empty segment" },
  { name: "only slashes", text: "//", problem: "empty segment" },
  { name: "'?' in a literal", text: "/a?b", problem: 'invalid literal "a?b"' },
  { name: "a lone '%'", text: "/%", problem: 'invalid literal "%"' },
  { name: "a short escape", text: "/%2", problem: 'invalid literal "%2"' },
  { name: "a bad hex digit", text: "/a%2z", problem: 'invalid literal "a%2z"' },
  { name: "an escape that is not UTF-8", text: "/%FF", problem: "not percent-encoded UTF-8" },
  { name: "'*' inside a literal", text: "/a*b", problem: 'invalid literal "a*b"' },
  { name: "an unterminated variable", text: "/{name", problem: "unterminated variable" },
  { name: "a variable with '=' and nothing", text: "/{name=}", problem: "empty segment" },
  { name: "an unterminated variable template", text: "/{name=*", problem: "unterminated" },
  { name: "a field path ending in '.'", text: "/{name.}", problem: 'invalid field path "name."' },
  { name: "a field path with '..'", text: "/{name..nested}", problem: "invalid field path" },
  { name: "a field name with '-'", text: "/{field-name}", problem: "invalid field path" },
  { name: "a field name with a digit first", text: "/{1name}", problem: "invalid field path" },
  { name: "an empty variable", text: "/{}", problem: "invalid field path" },
  { name: "a variable inside a literal", text: "/v1{name}", problem: "must be a whole segment" },
  { name: "a literal after a variable", text: "/{name}x", problem: "must be a whole segment" },
  { name: "a stray '}'", text: "/v1}", problem: "'}' without '{'" },
  { name: "nested variables", text: "/{a={b}}", problem: "variables cannot nest" },
  { name: "'**' before a literal", text: "/a/**/b", problem: "'**' must be the last segment" },
  { name: "'**' before '*'", text: "/a/**/*", problem: "'**' must be the last segment" },
  { name: "two '**'", text: "/a/**/**", problem: "'**' must be the last segment" },
  { name: "'**' inside a variable, then more", text: "/{x=b/**}/{y}", problem: "'**' must be" },
  { name: "'**' first in a variable's template", text: "/{x=**/a}", problem: "'**' must be" },
  { name: "a field bound twice", text: "/{name}/{name}", problem: 'field "name" bound twice' },
  { name: "overlapping fields", text: "/{book}/{book.name}", problem: "overlap" },
  { name: "a reserved field name", text: "/{__proto__}", problem: "reserved name" },
  { name: "a reserved nested name", text: "/{a.constructor}", problem: "reserved name" },
  { name: "an empty verb", text: "/v1/{name}:", problem: "empty verb" },
  { name: "a verb with ':'", text: "/v1/{name}:bla:baa", problem: 'invalid verb ":bla:baa"' },
  { name: "a verb on the root", text: "/:verb", problem: "empty segment" },
  { name: "a verb with '{'", text: "/v1/a:{x}", problem: "must be a whole segment" },
];

test.each(invalid)("parseTemplate refuses $name", ({ text, problem }) => {
  const got = parseTemplate(text);
  expect(got.ok).toBe(false);
  const message = got.ok ? "" : got.error.message;
  expect(message).toStartWith(`path template ${JSON.stringify(text)}: `);
  expect(message).toContain(problem);
});

test("parse, format and parse again gives the same template", () => {
  fc.assert(
    fc.property(templateText, (text) => {
      const first = parseTemplate(text);
      expect(first.ok).toBe(true);
      const again = first.ok ? parseTemplate(formatTemplate(first.template)) : first;
      expect(again).toEqual(first);
    }),
  );
});

test("parseTemplate never throws, and what it accepts formats back to itself", () => {
  const alphabet = fc.constantFrom(..."/{}=*.:%aZ9_-", "**", "%2F", "%zz", "\u00e9");
  const text = fc.oneof(fc.string({ unit: alphabet }), fc.string({ unit: "binary" }));
  fc.assert(
    fc.property(text, (input) => {
      const first = parseTemplate(input);
      if (first.ok) {
        expect(parseTemplate(formatTemplate(first.template))).toEqual(first);
      } else {
        expect(first.error.template).toBe(input);
      }
    }),
  );
});
