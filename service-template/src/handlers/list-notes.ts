import type { ListNotesRequest, ListNotesResponse } from "@trellis/contracts/notes/v1";
import { invalidArgument, type Unary } from "@trellis/service-kit";
import type { Deps } from "../deps.ts";
import { defaultPageSize, maxPageSize, toNoteMessage } from "../note.ts";
import { decodePageToken, encodePageToken } from "../page-token.ts";

/** Returns a page of the caller's notes, newest first. Errors: INVALID_ARGUMENT. */
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
    const page = rows.slice(0, pageSize);
    const last = page.at(-1);
    return {
      notes: page.map(toNoteMessage),
      nextPageToken: rows.length > pageSize && last !== undefined ? encodePageToken(last.id) : "",
    };
  };
}
