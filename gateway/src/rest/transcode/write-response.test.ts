import { expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import {
  CreateNoteResponse,
  GetNoteResponse,
  ListNotesResponse,
  type Note,
} from "@trellis/contracts/notes/v1";
import { BookSchema, booksRegistry, LabelSchema } from "./testing/books.ts";
import { toNoteJson } from "./testing/hand-written-notes.ts";
import { notesRule } from "./testing/notes-rules.ts";
import { type ResponseRule, writeResponse } from "./write-response.ts";

const note = (millis: number, more: Partial<Note> = {}): Note => ({
  id: "0b7c1c53-3f5e-4d8a-9a53-2a1f1e8c9d10",
  title: "Groceries",
  body: "",
  createTime: new Date(Date.UTC(2024, 4, 1, 12, 0, 0, millis)),
  updateTime: new Date(Date.UTC(2024, 4, 2, 8, 30, 0, millis)),
  ...more,
});
const page = [note(0), note(123, { body: "milk" })];
const book: ResponseRule = { responseBody: "", responseType: BookSchema, successStatus: 200 };
const bookBytes = toBinary(
  BookSchema,
  create(BookSchema, {
    pages: 12n,
    color: 2,
    labels: [{ time: { seconds: 1714564800n, nanos: 0 } }],
  }),
);

const withAny = toBinary(
  BookSchema,
  create(BookSchema, {
    extra: {
      typeUrl: "type.googleapis.com/test.v1.Label",
      value: toBinary(LabelSchema, create(LabelSchema, { key: "k" })),
    },
  }),
);

// Today's JSON is what the hand-written routes send: toNoteJson of the ts-proto message. The
// bytes are what the service's ts-proto encoder writes.
const cases: { name: string; rule: ResponseRule; bytes: Uint8Array; want: unknown }[] = [
  {
    name: "answers a created note as today's JSON, whole seconds with .000",
    rule: notesRule("CreateNote"),
    bytes: CreateNoteResponse.encode({ note: note(0) }).finish(),
    want: { ok: true, status: 201, json: toNoteJson(note(0)) },
  },
  {
    name: "answers a note with milliseconds as today's JSON",
    rule: notesRule("GetNote"),
    bytes: GetNoteResponse.encode({ note: note(123) }).finish(),
    want: { ok: true, status: 200, json: toNoteJson(note(123)) },
  },
  {
    name: "answers a page as today's JSON, empty token included",
    rule: notesRule("ListNotes"),
    bytes: ListNotesResponse.encode({ notes: page, nextPageToken: "" }).finish(),
    want: { ok: true, status: 200, json: { notes: page.map(toNoteJson), nextPageToken: "" } },
  },
  {
    name: "answers an empty page with an empty list",
    rule: notesRule("ListNotes"),
    bytes: ListNotesResponse.encode({ notes: [], nextPageToken: "" }).finish(),
    want: { ok: true, status: 200, json: { notes: [], nextPageToken: "" } },
  },
  {
    name: 'leaves out a timestamp the service did not set (today: "")',
    rule: notesRule("GetNote"),
    bytes: GetNoteResponse.encode({ note: note(0, { updateTime: undefined }) }).finish(),
    // toEqual takes a property set to undefined as one left out.
    want: { ok: true, status: 200, json: { ...toNoteJson(note(0)), updateTime: undefined } },
  },
  {
    name: "answers a delete with 204 and no body",
    rule: notesRule("DeleteNote"),
    bytes: new Uint8Array(),
    want: { ok: true, status: 204, json: null },
  },
  {
    name: "reports a response without its response_body field",
    rule: notesRule("CreateNote"),
    bytes: CreateNoteResponse.encode({}).finish(),
    want: { ok: false, message: "trellis.notes.v1.CreateNoteResponse has no note to answer with" },
  },
  {
    name: "reports bytes that are not the response",
    rule: notesRule("GetNote"),
    bytes: new Uint8Array([0x0a, 0x05, 0x01]),
    want: {
      ok: false,
      message: expect.stringContaining("cannot write trellis.notes.v1.GetNoteResponse as JSON"),
    },
  },
  {
    name: "writes int64 as text, enums by name, timestamps in lists with .000",
    rule: book,
    bytes: bookBytes,
    want: {
      ok: true,
      status: 200,
      json: expect.objectContaining({
        pages: "12",
        color: "COLOR_GREEN",
        labels: [{ key: "", weight: "0", time: "2024-05-01T12:00:00.000Z" }],
      }),
    },
  },
  {
    name: "writes a google.protobuf.Any with its @type, from the configured descriptors",
    rule: { ...book, registry: booksRegistry },
    bytes: withAny,
    want: {
      ok: true,
      status: 200,
      json: expect.objectContaining({
        extra: { "@type": "type.googleapis.com/test.v1.Label", key: "k", weight: "0" },
      }),
    },
  },
  {
    name: "refuses to answer an Any of a type it does not know: a fault of the service",
    rule: book,
    bytes: withAny,
    want: { ok: false, message: expect.stringContaining("cannot write test.v1.Book as JSON") },
  },
];

test.each(cases)("$name", ({ rule, bytes, want }) => {
  expect(writeResponse(rule, bytes) as unknown).toEqual(want);
});
