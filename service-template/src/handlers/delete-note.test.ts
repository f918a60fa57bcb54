import { expect, test } from "bun:test";
import type { DeleteNoteRequest, DeleteNoteResponse } from "@trellis/contracts/notes/v1";
import { invalid, type Outcome, outcome } from "@trellis/testing";
import type { NoteRecord } from "../note.ts";
import { fakeNotes } from "../testing/fake-notes.ts";
import { caller, NOTE_ID, note, noteId, OTHER_USER_ID } from "../testing/fixtures.ts";
import { deleteNote } from "./delete-note.ts";

const mine = note();
const theirs = note({ ownerId: OTHER_USER_ID });
const another = note({ id: noteId(2) });

const cases: {
  name: string;
  request: DeleteNoteRequest;
  stored: NoteRecord[] | Error;
  want: Outcome<DeleteNoteResponse>;
  /** The notes left afterwards. */
  wantLeft: NoteRecord[];
}[] = [
  {
    name: "deletes the note and only that note",
    request: { id: NOTE_ID },
    stored: [mine, another],
    want: { ok: {} },
    wantLeft: [another],
  },
  {
    name: "rejects an empty id",
    request: { id: "" },
    stored: [mine],
    want: invalid("id: is required"),
    wantLeft: [mine],
  },
  {
    name: "rejects a non-uuid id",
    request: { id: "1 OR 1=1" },
    stored: [mine],
    want: invalid("id: must be a UUID"),
    wantLeft: [mine],
  },
  {
    name: "reports a missing note",
    request: { id: NOTE_ID },
    stored: [another],
    want: { code: "NOT_FOUND", message: `note ${NOTE_ID} not found` },
    wantLeft: [another],
  },
  {
    name: "reports another owner's note as missing and keeps it",
    request: { id: NOTE_ID },
    stored: [theirs],
    want: { code: "NOT_FOUND", message: `note ${NOTE_ID} not found` },
    wantLeft: [theirs],
  },
  {
    name: "hides a db failure",
    request: { id: NOTE_ID },
    stored: new Error("deadlock detected"),
    want: { code: "INTERNAL" },
    wantLeft: [],
  },
];

test.each(cases)("$name", async ({ request, stored, want, wantLeft }) => {
  const notes = fakeNotes(stored);
  expect(await outcome(deleteNote({ notes })(request, caller()))).toEqual(want);
  expect(notes.records()).toEqual(wantLeft);
});
