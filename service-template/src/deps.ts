import type { Idempotency } from "@trellis/service-kit";
import type { NotesRepo } from "./db/notes.ts";

/** Everything the handlers use; main.ts builds the real ones, tests pass fakes. */
export interface Deps {
  notes: NotesRepo;
  /** Runs creates once per Idempotency-Key, handing them a repo in its transaction. */
  idempotency: Idempotency<NotesRepo>;
  /** New note ids: UUIDv7, so that id order is creation order. */
  newId: () => string;
}
