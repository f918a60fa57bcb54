import type { Note, NoteChanges, NoteInput } from "./api.ts";
import {
  confirmed,
  failureMessage,
  type NoteItem,
  type NotesStateCell,
  replaceNote,
} from "./notes-state.ts";

/** What changing notes needs of the API. */
export interface NotesWriter {
  createNote(input: NoteInput): Promise<Note>;
  updateNote(id: string, changes: NoteChanges): Promise<Note>;
  deleteNote(id: string): Promise<void>;
}

type Edit = { title: string; body: string };

/** Each change shows at once and is undone, with a notice, if the server refuses it. */
export interface NotesChanges {
  /** Adds a note at the top at once; returns whether the server kept it. */
  create(input: Edit): Promise<boolean>;
  /** Shows the changes at once; puts the note back as it was if the server refuses them. */
  update(id: string, changes: Edit): Promise<boolean>;
  /** Removes the note at once; puts it back where it was if the server refuses. */
  remove(id: string): Promise<boolean>;
}

export function notesChanges(api: NotesWriter, state: NotesStateCell): NotesChanges {
  // Ids for notes the server has not confirmed yet; they never reach the server.
  let localIds = 0;
  return {
    create: (input) => create(api, state, `local-${++localIds}`, input),
    update: (id, changes) => update(api, state, id, changes),
    remove: (id) => remove(api, state, id),
  };
}

async function create(
  api: NotesWriter,
  state: NotesStateCell,
  id: string,
  input: Edit,
): Promise<boolean> {
  const now = new Date().toISOString();
  const draft: NoteItem = { id, ...input, createTime: now, updateTime: now, pending: "creating" };
  state.set({ notes: [draft, ...state.get().notes], notice: null });
  try {
    const note = await api.createNote(input);
    state.set({ notes: replaceNote(state.get().notes, id, confirmed(note)) });
    return true;
  } catch (error) {
    state.set({ notes: replaceNote(state.get().notes, id, null), notice: failureMessage(error) });
    return false;
  }
}

async function update(
  api: NotesWriter,
  state: NotesStateCell,
  id: string,
  changes: Edit,
): Promise<boolean> {
  const before = state.get().notes.find((note) => note.id === id);
  if (before === undefined || before.pending !== null) {
    return false;
  }
  const shown: NoteItem = { ...before, ...changes, pending: "saving" };
  state.set({ notes: replaceNote(state.get().notes, id, shown), notice: null });
  try {
    const note = await api.updateNote(id, changes);
    state.set({ notes: replaceNote(state.get().notes, id, confirmed(note)) });
    return true;
  } catch (error) {
    state.set({ notes: replaceNote(state.get().notes, id, before), notice: failureMessage(error) });
    return false;
  }
}

async function remove(api: NotesWriter, state: NotesStateCell, id: string): Promise<boolean> {
  const index = state.get().notes.findIndex((note) => note.id === id);
  const note = state.get().notes[index];
  if (note === undefined || note.pending !== null) {
    return false;
  }
  state.set({ notes: replaceNote(state.get().notes, id, null), notice: null });
  try {
    await api.deleteNote(id);
    return true;
  } catch (error) {
    const notes = [...state.get().notes];
    notes.splice(Math.min(index, notes.length), 0, note);
    state.set({ notes, notice: failureMessage(error) });
    return false;
  }
}
