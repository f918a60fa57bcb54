import type { Note } from "./api.ts";
import { ApiError, GENERIC_MESSAGE } from "./api-error.ts";

/** A note on screen; `pending` while the server has not confirmed what the user did. */
export interface NoteItem extends Note {
  pending: "creating" | "saving" | null;
}

export interface NotesState {
  notes: NoteItem[];
  /** Empty when the last page is loaded. */
  nextPageToken: string;
  /** "initial": the first page is loading; "more": a further page is. */
  loading: "initial" | "more" | null;
  /** The first page could not be loaded (the list shows this instead). */
  loadError: string | null;
  /** The last action the server refused or that failed, after it was undone on screen. */
  notice: string | null;
}

type Listener = (state: NotesState) => void;

/** The list's state and who watches it: every change reaches every subscriber at once. */
export interface NotesStateCell {
  get(): NotesState;
  set(next: Partial<NotesState>): void;
  /** Svelte's store contract: `run` gets the state now and after every change. */
  subscribe(run: Listener): () => void;
}

export function createNotesState(): NotesStateCell {
  const listeners = new Set<Listener>();
  let state: NotesState = {
    notes: [],
    nextPageToken: "",
    loading: null,
    loadError: null,
    notice: null,
  };
  return {
    get: () => state,
    set(next) {
      state = { ...state, ...next };
      for (const listener of listeners) {
        listener(state);
      }
    },
    subscribe(run) {
      run(state);
      listeners.add(run);
      return () => listeners.delete(run);
    },
  };
}

/** A note as the server kept it. */
export function confirmed(note: Note): NoteItem {
  return { ...note, pending: null };
}

/** `notes` with the note `id` replaced by `note`, or removed when `note` is null. */
export function replaceNote(notes: NoteItem[], id: string, note: NoteItem | null): NoteItem[] {
  return notes.flatMap((item) => (item.id !== id ? [item] : note === null ? [] : [note]));
}

/** What the list says about a failed call. */
export function failureMessage(error: unknown): string {
  return error instanceof ApiError ? error.message : GENERIC_MESSAGE;
}
