import { CreateNoteRequest, CreateNoteResponse } from "@trellis/contracts/notes/v1";
import { requireText, type Unary } from "@trellis/service-kit";
import type { Deps } from "../deps.ts";
import { bodyRule, titleRule, toNoteMessage } from "../note.ts";

/**
 * Stores a new note owned by the caller; with an Idempotency-Key, once per key and request.
 * Errors: INVALID_ARGUMENT, IDEMPOTENCY_KEY_REUSED (FAILED_PRECONDITION).
 */
export function createNote({
  idempotency,
  newId,
}: Pick<Deps, "idempotency" | "newId">): Unary<CreateNoteRequest, CreateNoteResponse> {
  return async (request, caller) => {
    const title = requireText(request.title, "title", titleRule);
    const body = requireText(request.body, "body", bodyRule);
    return idempotency.run(
      { caller, rpc: "CreateNote", request },
      { request: CreateNoteRequest, response: CreateNoteResponse },
      async (notes) => {
        const note = await notes.create(
          { id: newId(), ownerId: caller.userId, title, body },
          caller.signal,
        );
        return { note: toNoteMessage(note) };
      },
    );
  };
}
