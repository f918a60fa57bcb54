import type { Idempotency } from "@trellis/service-kit";
import type { NotesRepo } from "../db/notes.ts";

/**
 * Runs every create on `notes`, as the kit does for a call without a key. What a key changes is
 * tested on real Postgres (test/idempotent-create.test.ts).
 */
export function fakeIdempotency(notes: NotesRepo): Idempotency<NotesRepo> {
  return {
    run: (_call, _codecs, create) => create(notes),
  } satisfies Idempotency<NotesRepo>;
}
