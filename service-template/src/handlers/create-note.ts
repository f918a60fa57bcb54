import type { CreateNoteRequest, CreateNoteResponse } from "@trellis/contracts/notes/v1";
import { requireText, type Unary } from "@trellis/service-kit";
import type { Deps } from "../deps.ts";
import { bodyRule, titleRule, toNoteMessage } from "../note.ts";

/** Stores a new note owned by the caller. Errors: INVALID_ARGUMENT. */
export function createNote({
  notes,
  newId,
}: Pick<Deps, "notes" | "newId">): Unary<CreateNoteRequest, CreateNoteResponse> {
  return async (request, caller) => {
    const title = requireText(request.title, "title", titleRule);
    const body = requireText(request.body, "body", bodyRule);
    const note = await notes.create(
      { id: newId(), ownerId: caller.userId, title, body },
      caller.signal,
    );
    return { note: toNoteMessage(note) };
  };
}
