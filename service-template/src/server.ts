import { NotesServiceService } from "@trellis/contracts/notes/v1";
import { type BindOptions, bindService, type ServiceRegistration } from "@trellis/service-kit";
import type { Deps } from "./deps.ts";
import { createNote } from "./handlers/create-note.ts";
import { deleteNote } from "./handlers/delete-note.ts";
import { getNote } from "./handlers/get-note.ts";
import { listNotes } from "./handlers/list-notes.ts";
import { updateNote } from "./handlers/update-note.ts";
import { encodeListNotesResponse } from "./list-notes-wire.ts";

/** The generated definition, but for ListNotes' answer, written by list-notes-wire.ts. */
const notesDefinition = {
  ...NotesServiceService,
  listNotes: { ...NotesServiceService.listNotes, responseSerialize: encodeListNotesResponse },
};

/** Binds each RPC of NotesService to its handler. Starts nothing. */
export function createNotesService(deps: Deps, options: BindOptions): ServiceRegistration {
  return {
    name: "trellis.notes.v1.NotesService",
    definition: notesDefinition,
    implementation: bindService(
      notesDefinition,
      {
        createNote: createNote(deps),
        getNote: getNote(deps),
        listNotes: listNotes(deps),
        updateNote: updateNote(deps),
        deleteNote: deleteNote(deps),
      },
      options,
    ),
  };
}
