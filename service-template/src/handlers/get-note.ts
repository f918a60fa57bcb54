import type { GetNoteRequest, GetNoteResponse } from "@trellis/contracts/notes/v1";
import { requireUuid, type Unary } from "@trellis/service-kit";
import type { Deps } from "../deps.ts";
import { noteNotFound } from "../errors.ts";
import { toNoteMessage } from "../note.ts";

/** Returns one of the caller's notes. Errors: INVALID_ARGUMENT, NOT_FOUND. */
export function getNote({ notes }: Pick<Deps, "notes">): Unary<GetNoteRequest, GetNoteResponse> {
  return async (request, caller) => {
    const id = requireUuid(request.id, "id");
    const note = await notes.findForOwner(id, caller.userId, caller.signal);
    if (note === null) {
      throw noteNotFound(id);
    }
    return { note: toNoteMessage(note) };
  };
}
