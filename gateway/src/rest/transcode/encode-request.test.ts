import { describe, expect, test } from "bun:test";
import type { RequestRule } from "./encode-request.ts";
import { BookSchema, booksRegistry, UpdateBookRequestSchema } from "./testing/books.ts";
import { notesRule } from "./testing/notes-rules.ts";
import {
  bodyError,
  type TestRequest,
  type Transcoded,
  textError,
  transcodeRequest,
} from "./testing/transcode-request.ts";

type Case = {
  name: string;
  rpc?: string;
  rule?: RequestRule;
  request: TestRequest;
  want: Transcoded;
};

const ID = "0b7c1c53-3f5e-4d8a-9a53-2a1f1e8c9d10";
const OTHER = "01890a5d-ac96-774b-bcce-b302099a8057";
const LABEL_TYPE = "type.googleapis.com/test.v1.Label";
const stamp = 'expected an RFC 3339 timestamp such as "2024-05-01T12:00:00Z"';

describe("notes", () => {
  const cases: Case[] = [
    {
      name: "lists with page_size and page_token from the query",
      rpc: "ListNotes",
      request: { query: "page_size=20&page_token=abc" },
      want: { json: { pageSize: 20, pageToken: "abc" } },
    },
    {
      name: "lists with the lowerCamelCase parameter name",
      rpc: "ListNotes",
      request: { query: "pageSize=5" },
      want: { json: { pageSize: 5 } },
    },
    {
      name: "lists the first page with no query",
      rpc: "ListNotes",
      request: {},
      want: { json: {} },
    },
    {
      name: "keeps an explicit page_size of 0 (optional field: the service refuses it)",
      rpc: "ListNotes",
      request: { query: "page_size=0" },
      want: { json: { pageSize: 0 } },
    },
    {
      name: "refuses a page_size that is not a number",
      rpc: "ListNotes",
      request: { query: "page_size=ten" },
      want: textError("query parameter", "page_size", "expected a 32-bit integer"),
    },
    {
      name: "refuses a page_size beyond int32",
      rpc: "ListNotes",
      request: { query: "page_size=99999999999" },
      want: textError("query parameter", "page_size", "expected a 32-bit integer"),
    },
    {
      name: "refuses a page_size given twice",
      rpc: "ListNotes",
      request: { query: "page_size=1&page_size=2" },
      want: textError("query parameter", "page_size", "given more than once"),
    },
    {
      name: "refuses a page_size given by both its names",
      rpc: "ListNotes",
      request: { query: "page_size=1&pageSize=2" },
      want: textError("query parameter", "pageSize", "set twice, by its proto and its JSON name"),
    },
    {
      name: "refuses an unknown parameter",
      rpc: "ListNotes",
      request: { query: "sort=title" },
      want: textError("query parameter", "sort", "unknown field"),
    },
    {
      name: "creates from the whole body",
      rpc: "CreateNote",
      request: { body: { title: "Groceries", body: "milk" } },
      want: { json: { title: "Groceries", body: "milk" } },
    },
    {
      name: "creates with no body as an empty request, for the service to refuse",
      rpc: "CreateNote",
      request: {},
      want: { json: {} },
    },
    {
      name: "refuses a title that is not a string",
      rpc: "CreateNote",
      request: { body: { title: 5 } },
      want: bodyError("title", "expected a string"),
    },
    {
      name: "refuses an unknown body field",
      rpc: "CreateNote",
      request: { body: { title: "x", colour: "red" } },
      want: bodyError("colour", "unknown field"),
    },
    {
      name: "refuses a body that is a list",
      rpc: "CreateNote",
      request: { body: [{ title: "x" }] },
      want: bodyError("body", "expected a JSON object"),
    },
    {
      name: "refuses a body that is null",
      rpc: "CreateNote",
      request: { body: null },
      want: bodyError("body", "expected a JSON object"),
    },
    {
      name: "gets the note of the path",
      rpc: "GetNote",
      request: { bindings: { id: ID } },
      want: { json: { id: ID } },
    },
    {
      name: "updates with the mask of the body's keys",
      rpc: "UpdateNote",
      request: { bindings: { "note.id": ID }, body: { title: "x" } },
      want: { json: { note: { id: ID, title: "x" }, updateMask: "title" } },
    },
    {
      name: "updates both fields, keeping an empty body text",
      rpc: "UpdateNote",
      request: { bindings: { "note.id": ID }, body: { body: "", title: "x" } },
      want: { json: { note: { id: ID, title: "x" }, updateMask: "body,title" } },
    },
    {
      name: "takes the id from the path over the body's, and leaves it out of the mask",
      rpc: "UpdateNote",
      request: { bindings: { "note.id": ID }, body: { id: OTHER, title: "x" } },
      want: { json: { note: { id: ID, title: "x" }, updateMask: "title" } },
    },
    {
      name: "takes the mask from the query when it has one",
      rpc: "UpdateNote",
      request: {
        bindings: { "note.id": ID },
        query: "update_mask=body",
        body: { title: "x", body: "y" },
      },
      want: { json: { note: { id: ID, title: "x", body: "y" }, updateMask: "body" } },
    },
    {
      name: "sends an empty mask for an empty body, for the service to refuse",
      rpc: "UpdateNote",
      request: { bindings: { "note.id": ID }, body: {} },
      want: { json: { note: { id: ID }, updateMask: "" } },
    },
    {
      name: "names the body field's path in the request",
      rpc: "UpdateNote",
      request: { bindings: { "note.id": ID }, body: { title: 5 } },
      want: bodyError("note.title", "expected a string"),
    },
    {
      name: "refuses a malformed timestamp",
      rpc: "UpdateNote",
      request: { bindings: { "note.id": ID }, body: { createTime: "yesterday" } },
      want: bodyError("note.createTime", stamp),
    },
    {
      name: "refuses a body that is a string",
      rpc: "UpdateNote",
      request: { bindings: { "note.id": ID }, body: "title" },
      want: bodyError("note", "expected a JSON object"),
    },
    {
      name: "deletes the note of the path, ignoring a body",
      rpc: "DeleteNote",
      request: { bindings: { id: ID }, body: { id: OTHER } },
      want: { json: { id: ID } },
    },
  ];
  test.each(cases)("$name", ({ rpc, request, want }) => {
    expect(transcodeRequest(notesRule(rpc ?? ""), request)).toEqual(want);
  });
});

describe("types the notes lack", () => {
  const book: RequestRule = { body: "*", bodyMask: "", requestType: BookSchema };
  const byQuery: RequestRule = { body: "", bodyMask: "", requestType: BookSchema };
  const update: RequestRule = {
    body: "book",
    bodyMask: "update_mask",
    requestType: UpdateBookRequestSchema,
  };
  const int64 = "expected a 64-bit integer (a number or a decimal string)";
  const cases: Case[] = [
    {
      name: "reads int64 from a string and from a number",
      rule: book,
      request: { body: { pages: "9007199254740993", copies: 12 } },
      want: { json: { pages: "9007199254740993", copies: "12" } },
    },
    {
      name: "refuses an int64 beyond its range",
      rule: book,
      request: { body: { pages: "9223372036854775808" } },
      want: bodyError("pages", int64),
    },
    {
      name: "refuses a negative uint64",
      rule: book,
      request: { body: { copies: -1 } },
      want: bodyError(
        "copies",
        "expected an unsigned 64-bit integer (a number or a decimal string)",
      ),
    },
    {
      name: "reads enums by name and number, proto names and JSON names",
      rule: book,
      request: { body: { color: "COLOR_RED", colors: [2, "COLOR_RED"], in_print: true } },
      want: { json: { color: "COLOR_RED", colors: ["COLOR_GREEN", "COLOR_RED"], inPrint: true } },
    },
    {
      name: "refuses an unknown enum name",
      rule: book,
      request: { body: { color: "COLOR_BLUE" } },
      want: bodyError("color", "expected a value name of test.v1.Color"),
    },
    {
      name: "names a list item's field",
      rule: book,
      request: { body: { labels: [{ key: "a" }, { key: 5 }] } },
      want: bodyError("labels[1].key", "expected a string"),
    },
    {
      name: "names a nested message's field",
      rule: book,
      request: { body: { label: { child: { weight: "heavy" } } } },
      want: bodyError("label.child.weight", int64),
    },
    {
      name: "refuses a list given as one value",
      rule: book,
      request: { body: { tags: "a" } },
      want: bodyError("tags", "expected a list"),
    },
    {
      name: "reads Timestamp, Duration, wrappers, maps and a oneof",
      rule: book,
      request: {
        body: {
          publishTime: "2024-05-01T12:00:00.5+02:00",
          loan: "1.5s",
          stock: "7",
          counts: { a: 1 },
          isbn: "x",
        },
      },
      want: {
        json: {
          publishTime: "2024-05-01T10:00:00.500Z",
          loan: "1.500s",
          stock: "7",
          counts: { a: 1 },
          isbn: "x",
        },
      },
    },
    {
      name: "reads a google.protobuf.Any of a type the configured descriptors hold",
      rule: { ...book, registry: booksRegistry },
      request: { body: { extra: { "@type": LABEL_TYPE, key: "k", weight: 3 } } },
      want: { json: { extra: { "@type": LABEL_TYPE, key: "k", weight: "3" } } },
    },
    {
      name: "names the field inside an Any",
      rule: { ...book, registry: booksRegistry },
      request: { body: { extra: { "@type": LABEL_TYPE, weight: "heavy" } } },
      want: bodyError("extra", 'expected an object with "@type"'),
    },
    {
      name: "refuses an Any of a type no configured descriptor holds",
      rule: { ...book, registry: booksRegistry },
      request: { body: { extra: { "@type": "type.googleapis.com/test.v1.Nope" } } },
      want: bodyError("extra", 'expected an object with "@type"'),
    },
    {
      name: "refuses both fields of a oneof",
      rule: book,
      request: { body: { isbn: "x", catalog: 1 } },
      want: bodyError("catalog", "only one field of format may be set"),
    },
    {
      name: "refuses a duration without its unit",
      rule: book,
      request: { body: { loan: 5 } },
      want: bodyError("loan", 'expected a duration in seconds such as "1.5s"'),
    },
    {
      name: "types query values by their fields",
      rule: byQuery,
      request: {
        query:
          "pages=-5&in_print=true&color=COLOR_GREEN&colors=1&tags=a&tags=b&label.weight=3&publish_time=2024-05-01T12:00:00Z&price=1.5",
      },
      want: {
        json: {
          pages: "-5",
          inPrint: true,
          color: "COLOR_GREEN",
          colors: ["COLOR_RED"],
          tags: ["a", "b"],
          label: { weight: "3" },
          publishTime: "2024-05-01T12:00:00Z",
          price: 1.5,
        },
      },
    },
    {
      name: "refuses a bool that is not true or false",
      rule: byQuery,
      request: { query: "in_print=yes" },
      want: textError("query parameter", "in_print", "expected true or false"),
    },
    {
      name: "refuses an int64 parameter beyond its range",
      rule: byQuery,
      request: { query: "label.weight=9223372036854775808" },
      want: textError("query parameter", "label.weight", int64),
    },
    {
      name: "refuses a map from the query",
      rule: byQuery,
      request: { query: "counts.a=1" },
      want: textError("query parameter", "counts", "a map cannot be set here"),
    },
    {
      name: "refuses a message given as a value",
      rule: byQuery,
      request: { query: "label=x" },
      want: textError("query parameter", "label", "a message: set its fields (label.<field>=…)"),
    },
    {
      name: "refuses fields under a value",
      rule: byQuery,
      request: { query: "name.first=x" },
      want: textError("query parameter", "name", "not a message: it has no fields"),
    },
    {
      name: "refuses a path variable of the wrong type",
      rule: byQuery,
      request: { bindings: { rank: "first" } },
      want: textError("path variable", "rank", "expected a 32-bit integer"),
    },
    {
      name: "masks the body's keys by their JSON names, whichever name the body used",
      rule: update,
      request: { bindings: { "book.name": "b1" }, body: { in_print: false, publishTime: null } },
      want: { json: { book: { name: "b1" }, updateMask: "inPrint,publishTime" } },
    },
  ];
  test.each(cases)("$name", ({ rule, request, want }) => {
    expect(transcodeRequest(rule ?? book, request)).toEqual(want);
  });
});
