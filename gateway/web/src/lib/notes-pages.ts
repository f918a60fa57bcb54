import type { NotesPage } from "./api.ts";
import { confirmed, failureMessage, type NotesStateCell } from "./notes-state.ts";

/** What paging needs of the API. */
export interface NotesLister {
  listNotes(page: { pageSize: number; pageToken: string }): Promise<NotesPage>;
}

export interface NotesPages {
  /** Loads the first page, replacing what is shown. */
  load(): Promise<void>;
  /** Appends the next page; does nothing while loading or after the last page. */
  loadMore(): Promise<void>;
}

export function notesPages(api: NotesLister, state: NotesStateCell, pageSize: number): NotesPages {
  return {
    async load() {
      state.set({ loading: "initial", loadError: null });
      try {
        const page = await api.listNotes({ pageSize, pageToken: "" });
        state.set({
          notes: page.notes.map(confirmed),
          nextPageToken: page.nextPageToken,
          loading: null,
        });
      } catch (error) {
        state.set({ loading: null, loadError: failureMessage(error) });
      }
    },

    async loadMore() {
      const { loading, nextPageToken } = state.get();
      if (loading !== null || nextPageToken === "") {
        return;
      }
      state.set({ loading: "more", notice: null });
      try {
        const page = await api.listNotes({ pageSize, pageToken: nextPageToken });
        const shown = new Set(state.get().notes.map((note) => note.id));
        const fresh = page.notes.filter((note) => !shown.has(note.id)).map(confirmed);
        state.set({
          notes: [...state.get().notes, ...fresh],
          nextPageToken: page.nextPageToken,
          loading: null,
        });
      } catch (error) {
        state.set({ loading: null, notice: failureMessage(error) });
      }
    },
  };
}
