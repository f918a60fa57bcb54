import { afterAll, expect, test } from "bun:test";
import { createNoteLabelsRepo } from "../src/db/note-labels.ts";
import { createNotesRepo } from "../src/db/notes.ts";
import { type DbFailureCase, dbFailure, storedNote } from "./fixtures/db-failure.ts";
import { notesDatabase } from "./notes-server.ts";

// The labels child table's constraints, broken through its repository on a real Postgres: the
// example of a foreign key and a composite key turned into domain errors. Not copied by
// `bun run new-service` (trellis.template.omit in package.json), nor is the table.

const db = await notesDatabase();
afterAll(() => db.close());

const notes = createNotesRepo(db.sql);
const labels = createNoteLabelsRepo(db.sql);
const signal = new AbortController().signal;

const cases: DbFailureCase[] = [
  {
    name: "a label the note has already is ALREADY_EXISTS (unique: the primary key)",
    provoke: async () => {
      const noteId = await storedNote(notes, signal);
      await labels.add(noteId, "work", signal);
      return { noteId, pending: labels.add(noteId, "work", signal) };
    },
    want: (id) => ({
      code: "ALREADY_EXISTS",
      message: `note ${id} already has the label "work"`,
      sqlState: "23505",
    }),
  },
  {
    name: "a label for a note deleted meanwhile is FAILED_PRECONDITION (foreign key)",
    provoke: async () => {
      const noteId = await storedNote(notes, signal);
      await db.sql`DELETE FROM notes WHERE id = ${noteId}`;
      return { noteId, pending: labels.add(noteId, "work", signal) };
    },
    want: (id) => ({
      code: "FAILED_PRECONDITION",
      message: `note ${id} no longer exists`,
      sqlState: "23503",
    }),
  },
  {
    name: "any other violation propagates as the driver's error (check: a 51-character label)",
    provoke: async () => {
      const noteId = await storedNote(notes, signal);
      return { noteId, pending: labels.add(noteId, "x".repeat(51), signal) };
    },
    want: () => ({ code: null, message: null, sqlState: "23514" }),
  },
];

test.each(cases)("$name", async ({ provoke, want }) => {
  const { noteId, pending } = await provoke();
  expect(await dbFailure(pending)).toEqual(want(noteId));
});

test("a label is stored once and goes with its note", async () => {
  const noteId = await storedNote(notes, signal);
  await labels.add(noteId, "work", signal);
  const stored = () => db.sql`SELECT label FROM note_labels WHERE note_id = ${noteId}`;
  expect([...(await stored())]).toEqual([{ label: "work" }]);
  await db.sql`DELETE FROM notes WHERE id = ${noteId}`;
  expect([...(await stored())]).toEqual([]);
});
