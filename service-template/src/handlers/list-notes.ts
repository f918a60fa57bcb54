import type { ListNotesRequest, ListNotesResponse } from "@trellis/contracts/notes/v1";
import { invalidArgument, type Unary } from "@trellis/service-kit";
import type { Deps } from "../deps.ts";
import {
  defaultPageSize,
  maxPageSize,
  maxPageTextBytes,
  type NoteRecord,
  toNoteMessage,
} from "../note.ts";
import { decodePageToken, encodePageToken } from "../page-token.ts";

/**
 * Returns a page of the caller's notes, newest first: page_size of them, or fewer once their text
 * reaches maxPageTextBytes. Errors: INVALID_ARGUMENT.
 */
export function listNotes({
  notes,
}: Pick<Deps, "notes">): Unary<ListNotesRequest, ListNotesResponse> {
  return async (request, caller) => {
    const pageSize = request.pageSize ?? defaultPageSize;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) {
      throw invalidArgument(`page_size: must be between 1 and ${maxPageSize} (got ${pageSize})`);
    }
    const after = decodePageToken(request.pageToken);
    // One row more than asked tells whether another page follows without a COUNT.
    const rows = await notes.listForOwner(
      caller.userId,
      { after, limit: pageSize + 1 },
      caller.signal,
    );
    const page = fitPage(rows.slice(0, pageSize));
    const last = page.at(-1);
    return {
      notes: page.map(toNoteMessage),
      nextPageToken:
        rows.length > page.length && last !== undefined ? encodePageToken(last.id) : "",
    };
  };
}

/** The first notes whose title and body fit maxPageTextBytes; always one, so a listing moves on. */
function fitPage(notes: NoteRecord[]): NoteRecord[] {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: a page that fits by that bound is not measured
  // (Buffer.byteLength of 40 strings was ~3 µs of each page of 20).
  let units = 0;
  for (const note of notes) {
    units += note.title.length + note.body.length;
  }
  if (units * 3 <= maxPageTextBytes) {
    return notes;
  }
  let bytes = 0;
  for (const [index, note] of notes.entries()) {
    bytes += Buffer.byteLength(note.title) + Buffer.byteLength(note.body);
    if (bytes > maxPageTextBytes && index > 0) {
      return notes.slice(0, index);
    }
  }
  return notes;
}
