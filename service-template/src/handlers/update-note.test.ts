import { expect, test } from "bun:test";
import type { UpdateNoteRequest, UpdateNoteResponse } from "@trellis/contracts/notes/v1";
import { invalid, type Outcome, outcome } from "@trellis/testing";
import type { NoteRecord } from "../note.ts";
import { fakeNotes } from "../testing/fake-notes.ts";
import { caller, NOTE_ID, NOW, note, noteMessage, OTHER_USER_ID } from "../testing/fixtures.ts";
import { updateNote } from "./update-note.ts";

const stored = note({ title: "Old title", body: "old body" });

function request(
  fields: { id?: string; title?: string; body?: string },
  updateMask: string[] | undefined,
): UpdateNoteRequest {
  return { note: { id: NOTE_ID, title: "", body: "", ...fields }, updateMask };
}

function updated(fields: { title: string; body: string }): Outcome<UpdateNoteResponse> {
  return { ok: { note: noteMessage({ ...fields, updatedAt: NOW }) } };
}

const notFound = { code: "NOT_FOUND", message: `note ${NOTE_ID} not found` } as const;

const cases: {
  name: string;
  request: UpdateNoteRequest;
  stored: NoteRecord[] | Error;
  want: Outcome<UpdateNoteResponse>;
  /** The notes afterwards. */
  wantStored: NoteRecord[];
}[] = [
  {
    name: "changes the title and body named in the mask",
    request: request({ title: "New", body: "new body" }, ["title", "body"]),
    stored: [stored],
    want: updated({ title: "New", body: "new body" }),
    wantStored: [note({ title: "New", body: "new body", updatedAt: NOW })],
  },
  {
    name: "keeps the title when the mask names only body",
    request: request({ title: "ignored", body: "new body" }, ["body"]),
    stored: [stored],
    want: updated({ title: "Old title", body: "new body" }),
    wantStored: [note({ title: "Old title", body: "new body", updatedAt: NOW })],
  },
  {
    name: "keeps the body when the mask names only title",
    request: request({ title: "New" }, ["title"]),
    stored: [stored],
    want: updated({ title: "New", body: "old body" }),
    wantStored: [note({ title: "New", body: "old body", updatedAt: NOW })],
  },
  {
    name: "rejects a request without a note",
    request: { note: undefined, updateMask: ["title"] },
    stored: [stored],
    want: invalid("note: is required"),
    wantStored: [stored],
  },
  {
    name: "rejects a non-uuid id",
    request: request({ id: "latest", title: "New" }, ["title"]),
    stored: [stored],
    want: invalid("note.id: must be a UUID"),
    wantStored: [stored],
  },
  {
    name: "rejects an empty update_mask",
    request: request({ title: "New" }, []),
    stored: [stored],
    want: invalid("update_mask: must name at least one of title, body"),
    wantStored: [stored],
  },
  {
    name: "rejects a missing update_mask",
    request: request({ title: "New" }, undefined),
    stored: [stored],
    want: invalid("update_mask: must name at least one of title, body"),
    wantStored: [stored],
  },
  {
    name: "rejects an unknown update_mask path",
    request: request({ title: "New" }, ["title", "owner_id"]),
    stored: [stored],
    want: invalid('update_mask: unknown field "owner_id" (allowed: title, body)'),
    wantStored: [stored],
  },
  {
    name: "rejects a long unknown update_mask path, quoting only its first 40 characters",
    request: request({ title: "New" }, ["🦀".repeat(41)]),
    stored: [stored],
    want: invalid(`update_mask: unknown field "${"🦀".repeat(40)}…" (allowed: title, body)`),
    wantStored: [stored],
  },
  {
    name: "rejects an empty title named in the mask",
    request: request({ title: "  " }, ["title"]),
    stored: [stored],
    want: invalid("note.title: must not be empty"),
    wantStored: [stored],
  },
  {
    name: "rejects a body over 20,000 characters named in the mask",
    request: request({ body: "b".repeat(20_001) }, ["body"]),
    stored: [stored],
    want: invalid("note.body: must have at most 20000 characters (got 20001)"),
    wantStored: [stored],
  },
  {
    name: "reports a missing note",
    request: request({ title: "New" }, ["title"]),
    stored: [],
    want: notFound,
    wantStored: [],
  },
  {
    name: "reports another owner's note as missing and leaves it unchanged",
    request: request({ title: "New" }, ["title"]),
    stored: [{ ...stored, ownerId: OTHER_USER_ID }],
    want: notFound,
    wantStored: [{ ...stored, ownerId: OTHER_USER_ID }],
  },
  {
    name: "hides a db failure",
    request: request({ title: "New" }, ["title"]),
    stored: new Error("could not serialize access"),
    want: { code: "INTERNAL" },
    wantStored: [],
  },
];

test.each(cases)("$name", async ({ request, stored, want, wantStored }) => {
  const notes = fakeNotes(stored);
  expect(await outcome(updateNote({ notes })(request, caller()))).toEqual(want);
  expect(notes.records()).toEqual(wantStored);
});
