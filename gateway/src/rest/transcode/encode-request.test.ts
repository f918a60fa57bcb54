import { describe, expect, test } from "bun:test";
import type { RequestRule } from "./encode-request.ts";
import { BookSchema, UpdateBookRequestSchema } from "./testing/books.ts";
import { notesRule } from "./testing/notes-rules.ts";
import { bodyError, textError, transcodeRequest } from "./testing/transcode-request.ts";

const ID = "0b7c1c53-3f5e-4d8a-9a53-2a1f1e8c9d10";
const OTHER = "01890a5d-ac96-774b-bcce-b302099a8057";
const stamp = 'expected an RFC 3339 timestamp such as "2024-05-01T12:00:00Z"';

describe("notes", () => {
  const cases = [
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
    expect(transcodeRequest(notesRule(rpc), request)).toEqual(want);
  });
});
