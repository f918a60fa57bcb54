import { afterAll, expect, test } from "bun:test";
import { createNotesRepo } from "../src/db/notes.ts";
import { type DbFailureCase, dbFailure, storedNote } from "./fixtures/db-failure.ts";
import { notesDatabase } from "./notes-server.ts";

// Each constraint of the schema, broken through the repositories on a real Postgres: the known
// SQLSTATEs become domain errors carrying the driver's error as cause; any other propagates.

const db = await notesDatabase();
afterAll(() => db.close());

const notes = createNotesRepo(db.sql);
const signal = new AbortController().signal;

const cases: DbFailureCase[] = [
  {
    name: "a note id taken already is ALREADY_EXISTS (unique: the primary key)",
    provoke: async () => {
      const noteId = await storedNote(notes, signal);
      const again = { id: noteId, ownerId: crypto.randomUUID(), title: "again", body: "" };
      return { noteId, pending: notes.create(again, signal) };
    },
    want: (id) => ({
      code: "ALREADY_EXISTS",
      message: `note ${id} already exists`,
      sqlState: "23505",
    }),
  },
];

test.each(cases)("$name", async ({ provoke, want }) => {
  const { noteId, pending } = await provoke();
  expect(await dbFailure(pending)).toEqual(want(noteId));
});
