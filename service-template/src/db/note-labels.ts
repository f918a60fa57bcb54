import { pgCodes, pgErrorCode, type Sql, withSignal } from "@trellis/service-kit";
import { labelAlreadyOnNote, noteGone } from "../errors.ts";

/**
 * Labels on notes: the template's example of a child table. The caller checks that the note is
 * the owner's (`NotesRepo.findForOwner`); the foreign key, not a second look, refuses a note
 * deleted since, so no race between the check and the write can leave a label behind.
 */
export interface NoteLabelsRepo {
  /** Errors: ALREADY_EXISTS when the note has the label, FAILED_PRECONDITION when it is gone. */
  add(noteId: string, label: string, signal: AbortSignal): Promise<void>;
}

export function createNoteLabelsRepo(sql: Sql): NoteLabelsRepo {
  return {
    async add(noteId, label, signal) {
      await withSignal(
        sql`INSERT INTO note_labels (note_id, label) VALUES (${noteId}, ${label})`,
        signal,
      ).catch((error: unknown) => {
        throw labelWriteError(error, noteId, label);
      });
    },
  };
}

/** The domain error for a constraint the insert broke; any other error as it came. */
function labelWriteError(error: unknown, noteId: string, label: string): unknown {
  switch (pgErrorCode(error)) {
    case pgCodes.uniqueViolation:
      return labelAlreadyOnNote(noteId, label, error);
    case pgCodes.foreignKeyViolation:
      return noteGone(noteId, error);
    default:
      return error;
  }
}
