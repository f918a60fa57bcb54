import type { UpdateNoteRequest, UpdateNoteResponse } from "@trellis/contracts/notes/v1";
import { invalidArgument, requireText, requireUuid, type Unary } from "@trellis/service-kit";
import type { NoteChanges } from "../db/notes.ts";
import type { Deps } from "../deps.ts";
import { noteNotFound } from "../errors.ts";
import { bodyRule, titleRule, toNoteMessage } from "../note.ts";

/**
 * Changes the fields named in update_mask of one of the caller's notes; the others keep their
 * value. Errors: INVALID_ARGUMENT, NOT_FOUND.
 */
export function updateNote({
  notes,
}: Pick<Deps, "notes">): Unary<UpdateNoteRequest, UpdateNoteResponse> {
  return async (request, caller) => {
    if (request.note === undefined) {
      throw invalidArgument("note: is required");
    }
    const id = requireUuid(request.note.id, "note.id");
    const changes = readChanges(request.note, request.updateMask ?? []);
    const note = await notes.updateForOwner(id, caller.userId, changes, caller.signal);
    if (note === null) {
      throw noteNotFound(id);
    }
    return { note: toNoteMessage(note) };
  };
}

function readChanges(note: { title: string; body: string }, paths: string[]): NoteChanges {
  if (paths.length === 0) {
    throw invalidArgument("update_mask: must name at least one of title, body");
  }
  const changes: NoteChanges = {};
  for (const path of paths) {
    if (path === "title") {
      changes.title = requireText(note.title, "note.title", titleRule);
    } else if (path === "body") {
      changes.body = requireText(note.body, "note.body", bodyRule);
    } else {
      throw invalidArgument(`update_mask: unknown field "${preview(path)}" (allowed: title, body)`);
    }
  }
  return changes;
}

/**
 * The start of a client-sent string, for an error message. The message travels in a response
 * header: a path of ~100 KB echoed whole ended the call with RST_STREAM, seen as INTERNAL.
 */
function preview(text: string): string {
  const start = Array.from(text).slice(0, 40).join("");
  return start.length < text.length ? `${start}…` : start;
}
