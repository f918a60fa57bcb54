import { expect, test } from "bun:test";
import fc from "fast-check";
import { renderPath } from "./render-path.ts";
import { createRouter, type RouteMatch } from "./router.ts";
import { type PathTemplate, parseTemplate } from "./template.ts";
import { templateWithBindings } from "./testing/arbitraries.ts";

type TestRoute = { verb: string; template: PathTemplate; text: string };

function parsed(text: string): PathTemplate {
  const result = parseTemplate(text);
  if (!result.ok) {
    throw new Error(result.error.message);
  }
  return result.template;
}

/** Routes written "GET /v1/{name}". */
function routerOf(lines: readonly string[]) {
  return createRouter(
    lines.map((text): TestRoute => {
      const [verb = "", template = ""] = text.split(" ");
      return { verb, template: parsed(template), text };
    }),
  );
}

function outcome(got: RouteMatch<TestRoute>) {
  switch (got.kind) {
    case "none":
      return "none";
    case "invalid":
      return { invalid: got.error.message };
    case "match":
      return { route: got.route.text, bindings: { ...got.bindings } };
  }
}

type Row = { name: string; verb?: string; path: string; want: ReturnType<typeof outcome> };

const match = (route: string, bindings: Record<string, string> = {}) => ({ route, bindings });

// Envoy's path matcher tests (grpc-httpjson-transcoding), WildCardMatches and
// RejectPartialMatches: a literal beats `*`, which beats `**`.
const wildcards = routerOf([
  "GET /a/**",
  "GET /b/*",
  "GET /c/*/d/**",
  "GET /c/*/d/e",
  "GET /c/f/d/e",
  "GET /",
  "GET /prefix/middle/suffix",
  "GET /prefix/middle",
  "GET /prefix",
]);
const wildcardRows: Row[] = [
  { name: "'**' takes one segment", path: "/a/b", want: match("GET /a/**") },
  { name: "'**' takes several", path: "/a/b/c", want: match("GET /a/**") },
  { name: "'**' takes none", path: "/a", want: match("GET /a/**") },
  { name: "'*' takes one", path: "/b/c", want: match("GET /b/*") },
  { name: "'*' does not take two", path: "/b/c/d", want: "none" },
  { name: "'*' does not take none", path: "/b", want: "none" },
  { name: "a path without its leading slash", path: "b/c/d", want: "none" },
  { name: "'*' then '**'", path: "/c/u/d/v", want: match("GET /c/*/d/**") },
  { name: "'*' then a longer '**'", path: "/c/v/d/w/x", want: match("GET /c/*/d/**") },
  { name: "'*' never takes two", path: "/c/x/y/d/z", want: "none" },
  { name: "an empty segment matches nothing", path: "/c//v/d/w/x", want: "none" },
  { name: "a literal beats '**'", path: "/c/x/d/e", want: match("GET /c/*/d/e") },
  { name: "a literal beats '*'", path: "/c/f/d/e", want: match("GET /c/f/d/e") },
  { name: "a dead-end literal backs up to '*'", path: "/c/f/d/z", want: match("GET /c/*/d/**") },
  { name: "the root", path: "/", want: match("GET /") },
  {
    name: "a whole literal path",
    path: "/prefix/middle/suffix",
    want: match("GET /prefix/middle/suffix"),
  },
  { name: "a shorter literal path", path: "/prefix/middle", want: match("GET /prefix/middle") },
  { name: "no partial literal match", path: "/prefix/middle/other", want: "none" },
  { name: "no longer path", path: "/prefix/middle/suffix/other", want: "none" },
  {
    name: "one trailing slash ignored",
    path: "/prefix/middle/",
    want: match("GET /prefix/middle"),
  },
  { name: "two trailing slashes refused", path: "/prefix/middle//", want: "none" },
  { name: "'//' is not the root", path: "//", want: "none" },
  { name: "another verb", verb: "POST", path: "/prefix", want: "none" },
  { name: "a lower-case verb", verb: "get", path: "/prefix", want: match("GET /prefix") },
];
test.each(wildcardRows)("wildcards: $name", ({ verb = "GET", path, want }) => {
  expect(outcome(wildcards.match(verb, path))).toEqual(want);
});

// Envoy's VariableBindings, without its templates that put fixed segments after `**`.
const variables = routerOf([
  "GET /a/{x}/c/d/e",
  "GET /{x=a/*}/b/{y=*}/c",
  "GET /a/{x=b/*}/{y=d/**}",
  "GET /alpha/{x=*}/beta/{y=**}",
  "GET /{x=*}/a",
  "GET /a/b/{x=*}",
  "GET /a/b/c/{x=**}",
  "GET /{x=*}/d/e/f/{y=**}",
  "GET /v1/{book.name=shelves/*/books/*}",
]);
const variableRows: Row[] = [
  { name: "one segment", path: "/a/book/c/d/e", want: match("GET /a/{x}/c/d/e", { x: "book" }) },
  {
    name: "a variable over a literal and '*'",
    path: "/a/hello/b/world/c",
    want: match("GET /{x=a/*}/b/{y=*}/c", { x: "a/hello", y: "world" }),
  },
  {
    name: "a variable ending in '**'",
    path: "/a/b/zoo/d/animal/tiger",
    want: match("GET /a/{x=b/*}/{y=d/**}", { x: "b/zoo", y: "d/animal/tiger" }),
  },
  {
    name: "'**' holding nothing",
    path: "/alpha/dog/beta",
    want: match("GET /alpha/{x=*}/beta/{y=**}", { x: "dog", y: "" }),
  },
  { name: "a first-segment variable", path: "/foo/a", want: match("GET /{x=*}/a", { x: "foo" }) },
  {
    name: "literals before a variable",
    path: "/a/b/foo",
    want: match("GET /a/b/{x=*}", { x: "foo" }),
  },
  {
    name: "'**' after literals",
    path: "/a/b/c/foo/bar/baz",
    want: match("GET /a/b/c/{x=**}", { x: "foo/bar/baz" }),
  },
  {
    name: "two variables around literals",
    path: "/foo/d/e/f/bar/baz",
    want: match("GET /{x=*}/d/e/f/{y=**}", { x: "foo", y: "bar/baz" }),
  },
  {
    name: "a nested field path (http.proto)",
    path: "/v1/shelves/1/books/2",
    want: match("GET /v1/{book.name=shelves/*/books/*}", { "book.name": "shelves/1/books/2" }),
  },
];
test.each(variableRows)("variables: $name", ({ verb = "GET", path, want }) => {
  expect(outcome(variables.match(verb, path))).toEqual(want);
});

// Envoy's CustomVerbMatches, CustomVerbMatch3 and 5, and the notes API's shape.
const verbs = routerOf([
  "GET /some/const:verb",
  "GET /some/*:verb",
  "GET /some/*/foo:verb",
  "GET /other/**:verb",
  "GET /foo/{a=*}",
  "GET /{a=**}:verb",
  "GET /{a=**}",
  "GET /v1/notes",
  "POST /v1/notes",
  "GET /v1/notes/{id}",
  "POST /v1/notes/{id}:archive",
]);
const verbRows: Row[] = [
  { name: "a literal and a verb", path: "/some/const:verb", want: match("GET /some/const:verb") },
  { name: "'*' and a verb", path: "/some/other:verb", want: match("GET /some/*:verb") },
  {
    name: "a verb then a slash",
    path: "/some/other:verb/",
    want: match("GET /{a=**}", { a: "some/other:verb" }),
  },
  {
    name: "a verb after a literal",
    path: "/some/bar/foo:verb",
    want: match("GET /some/*/foo:verb"),
  },
  { name: "a verb after '**'", path: "/other/bar/foo:verb", want: match("GET /other/**:verb") },
  {
    name: "an unknown verb stays in the segment",
    path: "/foo/other:nope",
    want: match("GET /foo/{a=*}", { a: "other:nope" }),
  },
  {
    name: "only the last segment's verb counts",
    path: "/x:verb/const:verb",
    want: match("GET /{a=**}:verb", { a: "x:verb/const" }),
  },
  {
    name: "without the verb, the plain route",
    path: "/x:verb/const",
    want: match("GET /{a=**}", { a: "x:verb/const" }),
  },
  {
    name: "an unknown verb, the plain route",
    path: "/x:verb2/const:verb2",
    want: match("GET /{a=**}", { a: "x:verb2/const:verb2" }),
  },
  { name: "a collection", path: "/v1/notes", want: match("GET /v1/notes") },
  {
    name: "a collection, another verb",
    verb: "POST",
    path: "/v1/notes",
    want: match("POST /v1/notes"),
  },
  {
    name: "a literal beats a variable",
    path: "/v1/notes/n1",
    want: match("GET /v1/notes/{id}", { id: "n1" }),
  },
  {
    name: "a custom method",
    verb: "POST",
    path: "/v1/notes/n1:archive",
    want: match("POST /v1/notes/{id}:archive", { id: "n1" }),
  },
  {
    name: "a custom method's verb unknown to GET",
    path: "/v1/notes/n1:archive",
    want: match("GET /v1/notes/{id}", { id: "n1:archive" }),
  },
  { name: "no route for the verb", verb: "DELETE", path: "/v1/notes/n1", want: "none" },
];
test.each(verbRows)("custom verbs: $name", ({ verb = "GET", path, want }) => {
  expect(outcome(verbs.match(verb, path))).toEqual(want);
});

// http.proto: a single-segment variable decodes everything; a multi-segment one keeps "%2F".
const decoding = routerOf([
  "GET /a/{x}/c",
  "GET /m/{x=p/*/q/*}/c",
  "GET /d/{x=**}",
  "GET /caf%C3%A9/{x}",
]);
const decodingRows: Row[] = [
  {
    name: "single: everything",
    path: "/a/%20%2F%2f%25%3A%2B+/c",
    want: match("GET /a/{x}/c", { x: " //%:++" }),
  },
  { name: "single: UTF-8", path: "/a/%C3%A9t%C3%A9/c", want: match("GET /a/{x}/c", { x: "été" }) },
  {
    name: "multi: all but the slash",
    path: "/m/p/foo%20foo/q/bar%2Fbar/c",
    want: match("GET /m/{x=p/*/q/*}/c", { x: "p/foo foo/q/bar%2Fbar" }),
  },
  {
    name: "'**': all but the slash, as written",
    path: "/d/p/foo%20foo/q/bar%2fbar+%3F",
    want: match("GET /d/{x=**}", { x: "p/foo foo/q/bar%2fbar+?" }),
  },
  {
    name: "a decoded literal",
    path: "/caf%c3%a9/1",
    want: match("GET /caf%C3%A9/{x}", { x: "1" }),
  },
  { name: "a raw literal", path: "/café/1", want: match("GET /caf%C3%A9/{x}", { x: "1" }) },
  {
    name: "a malformed escape",
    path: "/a/%zz/c",
    want: { invalid: 'path variable "x": malformed percent-encoding' },
  },
  {
    name: "a cut escape",
    path: "/a/ab%2/c",
    want: { invalid: 'path variable "x": malformed percent-encoding' },
  },
  {
    name: "bytes that are not UTF-8",
    path: "/a/%FF/c",
    want: { invalid: 'path variable "x": malformed percent-encoding' },
  },
  {
    name: "malformed in '**'",
    path: "/d/ok/%E2%82",
    want: { invalid: 'path variable "x": malformed percent-encoding' },
  },
  {
    name: "malformed next to %2F",
    path: "/d/%2F%",
    want: { invalid: 'path variable "x": malformed percent-encoding' },
  },
];
test.each(decodingRows)("decoding: $name", ({ verb = "GET", path, want }) => {
  expect(outcome(decoding.match(verb, path))).toEqual(want);
});

test("bindings have no prototype", () => {
  const got = variables.match("GET", "/foo/a");
  expect(got.kind === "match" && Object.getPrototypeOf(got.bindings)).toBeNull();
});

test("of two equal templates the first wins", () => {
  const got = routerOf(["GET /v1/{id}", "GET /v1/{name}"]).match("GET", "/v1/x");
  expect(outcome(got)).toEqual(match("GET /v1/{id}", { id: "x" }));
});

test("a path made to fit a template matches with bindings that render it again", () => {
  fc.assert(
    fc.property(templateWithBindings, ({ text, bindings }) => {
      const template = parsed(text);
      const path = renderPath(template, bindings);
      expect(path).not.toBeNull();
      const got = createRouter([{ verb: "GET", template }]).match("GET", path ?? "");
      expect(got.kind).toBe("match");
      const back = got.kind === "match" ? got.bindings : {};
      expect({ ...back }).toEqual({ ...bindings });
      expect(renderPath(template, back)).toBe(path);
    }),
  );
});

test("match never throws: a match, no match, or an invalid argument", () => {
  const all = routerOf([
    ...[
      "/a/**",
      "/b/*",
      "/c/*/d/**",
      "/c/f/d/e",
      "/",
      "/{a=**}:verb",
      "/v1/notes/{id}:archive",
    ].map((t) => `GET ${t}`),
    "GET /v1/{name=users/*}",
    "POST /m/{x=p/*/q/*}/c",
  ]);
  const piece = fc.constantFrom(
    ..."/:%a",
    "%2F",
    "%zz",
    "%FF",
    "%C3%A9",
    "v1",
    "notes",
    "verb",
    "archive",
    "é",
  );
  const path = fc.oneof(fc.string({ unit: piece }), fc.string({ unit: "binary" }));
  const verb = fc.oneof(fc.constantFrom("GET", "POST", "get", "BREW"), fc.string());
  fc.assert(
    fc.property(verb, path, (v, p) => {
      expect(["match", "none", "invalid"]).toContain(all.match(v, p).kind);
    }),
  );
});

const shelves = routerOf([
  "GET /v1/shelves",
  "POST /v1/shelves",
  "GET /v1/shelves/{shelf}",
  "DELETE /v1/shelves/{shelf}",
  "POST /v1/shelves/{shelf}:archive",
]);

test.each([
  ["/v1/shelves", ["GET", "POST"]],
  ["/v1/shelves/", ["GET", "POST"]],
  ["/v1/shelves/s1", ["DELETE", "GET"]],
  // A variable may hold the ":archive" that is a custom verb to POST.
  ["/v1/shelves/s1:archive", ["DELETE", "GET", "POST"]],
  ["/v1/books", []],
  ["/v1/shelves/s1/books", []],
])("verbsAt(%s), what a 405's Allow lists, is %p", (path, verbs) => {
  expect(shelves.verbsAt(path)).toEqual(verbs);
});
