import type { Note } from "@trellis/contracts/notes/v1";

// The notes JSON as the hand-written routes sent it (gateway/src/routes/notes.ts until the notes
// API moved to its google.api.http rules): the reference the generic routes are held to, so
// that no client of the notes API sees a change.

export type NoteJson = {
  id: string;
  title: string;
  body: string;
  createTime: string;
  updateTime: string;
};

export function toNoteJson(note: Note | undefined): NoteJson {
  if (note === undefined) {
    throw new Error("service answered without a note");
  }
  const iso = (time: Date | undefined): string => (time === undefined ? "" : time.toISOString());
  return {
    id: note.id,
    title: note.title,
    body: note.body,
    createTime: iso(note.createTime),
    updateTime: iso(note.updateTime),
  };
}
