import type { DeleteNoteRequest, DeleteNoteResponse } from "@trellis/contracts/notes/v1";
import { requireUuid, type Unary } from "@trellis/service-kit";
import type { Deps } from "../deps.ts";
import { noteNotFound } from "../errors.ts";

/** Deletes one of the caller's notes. Errors: INVALID_ARGUMENT, NOT_FOUND. */
export function deleteNote({
  notes,
}: Pick<Deps, "notes">): Unary<DeleteNoteRequest, DeleteNoteResponse> {
  return async (request, caller) => {
    const id = requireUuid(request.id, "id");
    const deleted = await notes.deleteForOwner(id, caller.userId, caller.signal);
    if (!deleted) {
      throw noteNotFound(id);
    }
    return {};
  };
}
