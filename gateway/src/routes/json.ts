import type { User } from "@trellis/contracts/identity/v1";
import type { Note } from "@trellis/contracts/notes/v1";
import { type Static, t } from "elysia";

// The REST shapes of contract messages. The mappers below are typed by both sides, so a
// contract change that breaks the REST API fails `bun run typecheck`, not a user.

export const noteJson = t.Object({
  id: t.String({ format: "uuid" }),
  title: t.String(),
  body: t.String(),
  createTime: t.String({ format: "date-time" }),
  updateTime: t.String({ format: "date-time" }),
});
export type NoteJson = Static<typeof noteJson>;

export const userJson = t.Object({
  id: t.String({ format: "uuid" }),
  name: t.String(),
  email: t.String(),
  avatarUrl: t.String(),
  createTime: t.String({ format: "date-time" }),
});
export type UserJson = Static<typeof userJson>;

export const errorJson = t.Object({
  error: t.Object({ code: t.String(), message: t.String(), requestId: t.String() }),
});

export function toNoteJson(note: Note | undefined): NoteJson {
  if (note === undefined) {
    throw new Error("service answered without a note");
  }
  return {
    id: note.id,
    title: note.title,
    body: note.body,
    createTime: iso(note.createTime),
    updateTime: iso(note.updateTime),
  };
}

export function toUserJson(user: User): UserJson {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    avatarUrl: user.avatarUrl,
    createTime: iso(user.createTime),
  };
}

function iso(time: Date | undefined): string {
  return time === undefined ? "" : time.toISOString();
}
