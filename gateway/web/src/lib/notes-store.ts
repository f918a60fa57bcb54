import type { Note, NoteChanges, NoteInput, NotesPage } from "./api.ts";
import { ApiError, GENERIC_MESSAGE } from "./api-error.ts";

/** What the notes list needs of the API (a slice of `Api`, so tests pass a fake). */
export interface NotesApi {
  listNotes(page: { pageSize: number; pageToken: string }): Promise<NotesPage>;
  createNote(input: NoteInput): Promise<Note>;
  updateNote(id: string, changes: NoteChanges): Promise<Note>;
  deleteNote(id: string): Promise<void>;
}

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

/**
 * The signed-in user's notes as a Svelte store. Changes show at once and are undone, with a
 * notice, when the server refuses them: the list never claims what the server did not keep.
 */
export function createNotesStore(api: NotesApi, options: { pageSize?: number } = {}) {
  const pageSize = options.pageSize ?? 20;
  const listeners = new Set<Listener>();
  let state: NotesState = {
    notes: [],
    nextPageToken: "",
    loading: null,
    loadError: null,
    notice: null,
  };
  let localIds = 0;
  const set = (next: Partial<NotesState>): void => {
    state = { ...state, ...next };
    for (const listener of listeners) {
      listener(state);
    }
  };
  const failed = (error: unknown): string =>
    error instanceof ApiError ? error.message : GENERIC_MESSAGE;
  const replace = (id: string, note: NoteItem | null): NoteItem[] =>
    state.notes.flatMap((item) => (item.id !== id ? [item] : note === null ? [] : [note]));

  return {
    subscribe(run: Listener): () => void {
      run(state);
      listeners.add(run);
      return () => listeners.delete(run);
    },

    /** Loads the first page, replacing what is shown. */
    async load(): Promise<void> {
      set({ loading: "initial", loadError: null });
      try {
        const page = await api.listNotes({ pageSize, pageToken: "" });
        set({ notes: page.notes.map(confirmed), nextPageToken: page.nextPageToken, loading: null });
      } catch (error) {
        set({ loading: null, loadError: failed(error) });
      }
    },

    /** Appends the next page; does nothing while loading or after the last page. */
    async loadMore(): Promise<void> {
      if (state.loading !== null || state.nextPageToken === "") {
        return;
      }
      set({ loading: "more", notice: null });
      try {
        const page = await api.listNotes({ pageSize, pageToken: state.nextPageToken });
        const shown = new Set(state.notes.map((note) => note.id));
        const fresh = page.notes.filter((note) => !shown.has(note.id)).map(confirmed);
        set({
          notes: [...state.notes, ...fresh],
          nextPageToken: page.nextPageToken,
          loading: null,
        });
      } catch (error) {
        set({ loading: null, notice: failed(error) });
      }
    },

    /** Adds a note at the top at once; returns whether the server kept it. */
    async create(input: { title: string; body: string }): Promise<boolean> {
      const id = `local-${++localIds}`;
      const now = new Date().toISOString();
      const draft: NoteItem = {
        id,
        ...input,
        createTime: now,
        updateTime: now,
        pending: "creating",
      };
      set({ notes: [draft, ...state.notes], notice: null });
      try {
        const note = await api.createNote(input);
        set({ notes: replace(id, confirmed(note)) });
        return true;
      } catch (error) {
        set({ notes: replace(id, null), notice: failed(error) });
        return false;
      }
    },

    /** Shows the changes at once; puts the note back as it was if the server refuses them. */
    async update(id: string, changes: { title: string; body: string }): Promise<boolean> {
      const before = state.notes.find((note) => note.id === id);
      if (before === undefined || before.pending !== null) {
        return false;
      }
      set({ notes: replace(id, { ...before, ...changes, pending: "saving" }), notice: null });
      try {
        const note = await api.updateNote(id, changes);
        set({ notes: replace(id, confirmed(note)) });
        return true;
      } catch (error) {
        set({ notes: replace(id, before), notice: failed(error) });
        return false;
      }
    },

    /** Removes the note at once; puts it back where it was if the server refuses. */
    async remove(id: string): Promise<boolean> {
      const index = state.notes.findIndex((note) => note.id === id);
      const note = state.notes[index];
      if (note === undefined || note.pending !== null) {
        return false;
      }
      set({ notes: replace(id, null), notice: null });
      try {
        await api.deleteNote(id);
        return true;
      } catch (error) {
        const notes = [...state.notes];
        notes.splice(Math.min(index, notes.length), 0, note);
        set({ notes, notice: failed(error) });
        return false;
      }
    },

    dismissNotice(): void {
      set({ notice: null });
    },
  };
}

export type NotesStore = ReturnType<typeof createNotesStore>;

function confirmed(note: Note): NoteItem {
  return { ...note, pending: null };
}
