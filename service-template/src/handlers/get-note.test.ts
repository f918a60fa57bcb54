import { expect, test } from "bun:test";
import type { GetNoteRequest, GetNoteResponse } from "@trellis/contracts/notes/v1";
import { invalid, type Outcome, outcome } from "@trellis/testing";
import type { NoteRecord } from "../note.ts";
import { fakeNotes } from "../testing/fake-notes.ts";
import { caller, NOTE_ID, note, noteMessage, OTHER_USER_ID } from "../testing/fixtures.ts";
import { getNote } from "./get-note.ts";

const cases: {
  name: string;
  request: GetNoteRequest;
  stored: NoteRecord[] | Error;
  want: Outcome<GetNoteResponse>;
}[] = [
  {
    name: "returns the note",
    request: { id: NOTE_ID },
    stored: [note()],
    want: { ok: { note: noteMessage() } },
  },
  {
    name: "finds the note by its id in upper case",
    request: { id: NOTE_ID.toUpperCase() },
    stored: [note()],
    want: { ok: { note: noteMessage() } },
  },
  {
    name: "rejects an empty id",
    request: { id: "" },
    stored: [note()],
    want: invalid("id: is required"),
  },
  {
    name: "rejects a non-uuid id",
    request: { id: `${NOTE_ID}'--` },
    stored: [note()],
    want: invalid("id: must be a UUID"),
  },
  {
    name: "reports a missing note",
    request: { id: NOTE_ID },
    stored: [],
    want: { code: "NOT_FOUND", message: `note ${NOTE_ID} not found` },
  },
  {
    name: "reports another owner's note as missing",
    request: { id: NOTE_ID },
    stored: [note({ ownerId: OTHER_USER_ID })],
    want: { code: "NOT_FOUND", message: `note ${NOTE_ID} not found` },
  },
  {
    name: "hides a db failure",
    request: { id: NOTE_ID },
    stored: new Error("too many connections"),
    want: { code: "INTERNAL" },
  },
];

test.each(cases)("$name", async ({ request, stored, want }) => {
  const got = await outcome(getNote({ notes: fakeNotes(stored) })(request, caller()));
  expect(got).toEqual(want);
});
