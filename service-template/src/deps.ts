import type { NotesRepo } from "./db/notes.ts";

/** Everything the handlers use; main.ts builds the real ones, tests pass fakes. */
export interface Deps {
  notes: NotesRepo;
  /** New note ids: UUIDv7, so that id order is creation order. */
  newId: () => string;
}
