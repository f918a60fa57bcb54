import { afterAll, expect, test } from "bun:test";
import { AppError, pgErrorCode } from "@trellis/service-kit";
import { createNoteLabelsRepo } from "../src/db/note-labels.ts";
import { createNotesRepo } from "../src/db/notes.ts";
import { notesDatabase } from "./notes-server.ts";

// Each constraint of the schema, broken through the repositories on a real Postgres: the known
// SQLSTATEs become domain errors carrying the driver's error as cause; any other propagates.

const db = await notesDatabase();
afterAll(() => db.close());

const notes = createNotesRepo(db.sql);
const labels = createNoteLabelsRepo(db.sql);
const signal = new AbortController().signal;

async function storedNote(): Promise<string> {
  const id = Bun.randomUUIDv7();
  await notes.create({ id, ownerId: crypto.randomUUID(), title: "title", body: "" }, signal);
  return id;
}

/** What a failed call reports: the domain code (or none), its message and the SQLSTATE under it. */
async function failure(pending: Promise<unknown>) {
  const error = await pending.then(
    () => new Error("resolved"),
    (reason: unknown) => reason,
  );
  if (error instanceof AppError) {
    return { code: error.code, message: error.message, sqlState: pgErrorCode(error.cause) };
  }
  return { code: null, message: null, sqlState: pgErrorCode(error) };
}

const cases: {
  name: string;
  provoke: () => Promise<{ pending: Promise<unknown>; noteId: string }>;
  want: (noteId: string) => Awaited<ReturnType<typeof failure>>;
}[] = [
  {
    name: "a note id taken already is ALREADY_EXISTS (unique: the primary key)",
    provoke: async () => {
      const noteId = await storedNote();
      const again = { id: noteId, ownerId: crypto.randomUUID(), title: "again", body: "" };
      return { noteId, pending: notes.create(again, signal) };
    },
    want: (id) => ({
      code: "ALREADY_EXISTS",
      message: `note ${id} already exists`,
      sqlState: "23505",
    }),
  },
  {
    name: "a label the note has already is ALREADY_EXISTS (unique: the primary key)",
    provoke: async () => {
      const noteId = await storedNote();
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
      const noteId = await storedNote();
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
      const noteId = await storedNote();
      return { noteId, pending: labels.add(noteId, "x".repeat(51), signal) };
    },
    want: () => ({ code: null, message: null, sqlState: "23514" }),
  },
];

test.each(cases)("$name", async ({ provoke, want }) => {
  const { noteId, pending } = await provoke();
  expect(await failure(pending)).toEqual(want(noteId));
});

test("a label is stored once and goes with its note", async () => {
  const noteId = await storedNote();
  await labels.add(noteId, "work", signal);
  const stored = () => db.sql`SELECT label FROM note_labels WHERE note_id = ${noteId}`;
  expect([...(await stored())]).toEqual([{ label: "work" }]);
  await db.sql`DELETE FROM notes WHERE id = ${noteId}`;
  expect([...(await stored())]).toEqual([]);
});
