import { type NotesChanges, type NotesWriter, notesChanges } from "./notes-changes.ts";
import { type NotesLister, type NotesPages, notesPages } from "./notes-pages.ts";
import { createNotesState, type NotesState } from "./notes-state.ts";

/** What the notes list needs of the API (a slice of `Api`, so tests pass a fake). */
export interface NotesApi extends NotesLister, NotesWriter {}

export interface NotesStore extends NotesPages, NotesChanges {
  subscribe(run: (state: NotesState) => void): () => void;
  dismissNotice(): void;
}

/**
 * The signed-in user's notes as a Svelte store. Changes show at once and are undone, with a
 * notice, when the server refuses them: the list never claims what the server did not keep.
 */
export function createNotesStore(api: NotesApi, options: { pageSize?: number } = {}): NotesStore {
  const state = createNotesState();
  return {
    subscribe: state.subscribe,
    ...notesPages(api, state, options.pageSize ?? 20),
    ...notesChanges(api, state),
    dismissNotice: () => state.set({ notice: null }),
  };
}
