import {
  type AppError,
  alreadyExists,
  failedPrecondition,
  pgCodes,
  pgErrorCode,
  type Sql,
  withSignal,
} from "@trellis/service-kit";

/**
 * Labels on notes: the notes service's example of a child table, which `bun run new-service`
 * leaves out of a copy (`trellis.template.omit` in package.json). The caller checks that the note is
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

function labelAlreadyOnNote(noteId: string, label: string, cause: unknown): AppError {
  return alreadyExists(`note ${noteId} already has the label "${label}"`, cause);
}

/** The note was deleted between the caller's check and this write. */
function noteGone(noteId: string, cause: unknown): AppError {
  return failedPrecondition(`note ${noteId} no longer exists`, cause);
}
