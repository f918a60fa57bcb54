import { expect, test } from "bun:test";
import { findConflicts, type ServiceRoute } from "./conflicts.ts";
import { parseTemplate } from "./template.ts";

/** Routes written "notes.v1.Notes GetNote GET /v1/{id}". */
function routes(lines: readonly string[]): ServiceRoute[] {
  return lines.map((line) => {
    const [service = "", method = "", verb = "", text = ""] = line.split(" ");
    const parsed = parseTemplate(text);
    if (!parsed.ok) {
      throw new Error(parsed.error.message);
    }
    return { service, method, verb, template: parsed.template };
  });
}

const cases = [
  {
    name: "variables under other names",
    routes: ["notes.v1.Notes GetNote GET /v1/{id}", "identity.v1.Identity GetUser GET /v1/{name}"],
    want: [
      "GET /v1/{id} (notes.v1.Notes/GetNote) and GET /v1/{name} (identity.v1.Identity/GetUser) match the same requests",
    ],
  },
  {
    name: "a variable's template against literals",
    routes: ["a.A Get GET /v1/{name=shelves/*}", "b.B Get GET /v1/shelves/{id}"],
    want: [
      "GET /v1/{name=shelves/*} (a.A/Get) and GET /v1/shelves/{id} (b.B/Get) match the same requests",
    ],
  },
  {
    name: "'**' in and out of a variable, and verbs in any case",
    routes: ["a.A List get /files/**", "b.B Read GET /files/{path=**}"],
    want: ["GET /files/** (a.A/List) and GET /files/{path=**} (b.B/Read) match the same requests"],
  },
  {
    name: "the same custom verb",
    routes: ["a.A Archive POST /v1/{id}:archive", "b.B Archive POST /v1/{name}:archive"],
    want: [
      "POST /v1/{id}:archive (a.A/Archive) and POST /v1/{name}:archive (b.B/Archive) match the same requests",
    ],
  },
  {
    name: "equal literals however escaped",
    routes: ["a.A Get GET /caf%C3%A9", "b.B Get GET /caf%c3%a9"],
    want: ["GET /caf%C3%A9 (a.A/Get) and GET /caf%c3%a9 (b.B/Get) match the same requests"],
  },
  {
    name: "three at once, each paired with the first",
    routes: ["a.A X GET /v1/{a}", "b.B Y GET /v1/{b}", "c.C Z GET /v1/{c}"],
    want: [
      "GET /v1/{a} (a.A/X) and GET /v1/{b} (b.B/Y) match the same requests",
      "GET /v1/{a} (a.A/X) and GET /v1/{c} (c.C/Z) match the same requests",
    ],
  },
  {
    name: "a literal and a variable (literals win)",
    routes: ["a.A List GET /v1/notes", "b.B Get GET /v1/{id}"],
    want: [],
  },
  {
    name: "'*' and '**' (one segment goes to '*')",
    routes: ["a.A X GET /v1/*", "b.B Y GET /v1/**"],
    want: [],
  },
  { name: "other verbs", routes: ["a.A X GET /v1/{id}", "b.B Y DELETE /v1/{id}"], want: [] },
  {
    name: "other custom verbs",
    routes: ["a.A X POST /v1/{id}:archive", "b.B Y POST /v1/{id}:restore"],
    want: [],
  },
  {
    name: "a verb and none",
    routes: ["a.A X POST /v1/{id}:archive", "b.B Y POST /v1/{id}"],
    want: [],
  },
  { name: "other lengths", routes: ["a.A X GET /v1/{id}", "b.B Y GET /v1/{id}/{sub}"], want: [] },
];

test.each(cases)("findConflicts: $name", ({ routes: lines, want }) => {
  expect(findConflicts(routes(lines)).map((c) => c.message)).toEqual(want);
});

test("a conflict names both routes", () => {
  const [a, b] = routes(["a.A X GET /v1/{a}", "b.B Y GET /v1/{b}"]);
  expect(findConflicts([a, b] as ServiceRoute[])).toEqual([
    { first: a, second: b, message: expect.any(String) },
  ] as never);
});
