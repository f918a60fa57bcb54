import type { Note } from "@trellis/contracts/notes/v1";
import type { Caller } from "@trellis/service-kit";
import { type NoteRecord, toNoteMessage } from "../note.ts";

// UUIDv7-shaped constants, so test data looks like what the service stores.
export const USER_ID = "0190a1b2-0000-7000-8000-00000000aaaa";
export const OTHER_USER_ID = "0190a1b2-0000-7000-8000-00000000bbbb";
export const NOTE_ID = "0190a1b2-0000-7000-8000-000000000001";
/** The id a handler under test gets from its `newId` dep. */
export const NEW_ID = "0190a1b2-0000-7000-8000-0000000000ff";

/** When stored fixture notes were written. */
export const EARLIER = new Date("2025-01-02T03:04:05.000Z");
/** The fake repository's clock: creates and updates happen now. */
export const NOW = new Date("2025-01-02T04:00:00.000Z");

/** A caller whose call never ends early. */
export function caller(userId: string = USER_ID): Caller {
  return { userId, signal: new AbortController().signal };
}

/** The id of the `n`-th fixture note; a larger `n` is a newer note, as with UUIDv7. */
export function noteId(n: number): string {
  return `0190a1b2-0000-7000-8000-${n.toString(16).padStart(12, "0")}`;
}

/** A stored note owned by USER_ID, unchanged since EARLIER. */
export function note(overrides: Partial<NoteRecord> = {}): NoteRecord {
  return {
    id: NOTE_ID,
    ownerId: USER_ID,
    title: "Groceries",
    body: "milk, eggs",
    createdAt: EARLIER,
    updatedAt: EARLIER,
    ...overrides,
  };
}

/** `note(overrides)` as the API returns it. */
export function noteMessage(overrides: Partial<NoteRecord> = {}): Note {
  return toNoteMessage(note(overrides));
}

/** Notes 1..count owned by `ownerId`, oldest first. */
export function notes(count: number, ownerId: string = USER_ID): NoteRecord[] {
  return Array.from({ length: count }, (_, i) =>
    note({ id: noteId(i + 1), ownerId, title: `note ${i + 1}` }),
  );
}
