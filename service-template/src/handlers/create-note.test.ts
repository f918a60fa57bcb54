import { expect, test } from "bun:test";
import type { CreateNoteRequest, CreateNoteResponse } from "@trellis/contracts/notes/v1";
import { invalid, type Outcome, outcome } from "@trellis/testing";
import { fakeIdempotency } from "../testing/fake-idempotency.ts";
import { fakeNotes, type NotesCall } from "../testing/fake-notes.ts";
import { caller, NEW_ID, NOW, noteMessage, USER_ID } from "../testing/fixtures.ts";
import { createNote } from "./create-note.ts";

function created(title: string, body: string): Outcome<CreateNoteResponse> {
  return { ok: { note: noteMessage({ id: NEW_ID, title, body, createdAt: NOW, updatedAt: NOW }) } };
}

function stores(title: string, body: string): NotesCall[] {
  return [{ method: "create", note: { id: NEW_ID, ownerId: USER_ID, title, body } }];
}

const cases: {
  name: string;
  request: CreateNoteRequest;
  failWith?: Error;
  want: Outcome<CreateNoteResponse>;
  wantCalls: NotesCall[];
}[] = [
  {
    name: "stores the note under the caller and returns it",
    request: { title: "Groceries", body: "milk" },
    want: created("Groceries", "milk"),
    wantCalls: stores("Groceries", "milk"),
  },
  {
    name: "accepts an empty body",
    request: { title: "Title only", body: "" },
    want: created("Title only", ""),
    wantCalls: stores("Title only", ""),
  },
  {
    name: "accepts 200 emoji as a 200-character title",
    request: { title: "📝".repeat(200), body: "" },
    want: created("📝".repeat(200), ""),
    wantCalls: stores("📝".repeat(200), ""),
  },
  {
    name: "keeps surrounding whitespace as written",
    request: { title: "  padded  ", body: "\n" },
    want: created("  padded  ", "\n"),
    wantCalls: stores("  padded  ", "\n"),
  },
  {
    name: "rejects an empty title",
    request: { title: "", body: "x" },
    want: invalid("title: must not be empty"),
    wantCalls: [],
  },
  {
    name: "rejects a whitespace-only title",
    request: { title: " \t\n ", body: "x" },
    want: invalid("title: must not be empty"),
    wantCalls: [],
  },
  {
    name: "rejects a 201-character title",
    request: { title: "a".repeat(201), body: "" },
    want: invalid("title: must have at most 200 characters (got 201)"),
    wantCalls: [],
  },
  {
    name: "rejects a body over 20,000 characters",
    request: { title: "t", body: "b".repeat(20_001) },
    want: invalid("body: must have at most 20000 characters (got 20001)"),
    wantCalls: [],
  },
  {
    name: "rejects a NUL in the title",
    request: { title: "a\u0000b", body: "" },
    want: invalid("title: must not contain NUL characters"),
    wantCalls: [],
  },
  {
    name: "rejects a NUL in the body",
    request: { title: "t", body: "\u0000" },
    want: invalid("body: must not contain NUL characters"),
    wantCalls: [],
  },
  {
    name: "hides a db failure",
    request: { title: "t", body: "" },
    failWith: new Error("connection reset by peer"),
    want: { code: "INTERNAL" },
    wantCalls: stores("t", ""),
  },
];

test.each(cases)("$name", async ({ request, failWith, want, wantCalls }) => {
  const notes = fakeNotes(failWith ?? []);
  const handler = createNote({ idempotency: fakeIdempotency(notes), newId: () => NEW_ID });
  expect(await outcome(handler(request, caller()))).toEqual(want);
  expect(notes.calls).toEqual(wantCalls);
});
