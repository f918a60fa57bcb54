import type { Note } from "@trellis/contracts/notes/v1";
import type { TextRule } from "@trellis/service-kit";

/** A note as the service stores it. */
export interface NoteRecord {
  id: string;
  ownerId: string;
  title: string;
  body: string;
  createdAt: Date;
  updatedAt: Date;
}

export const titleRule: TextRule = { min: 1, max: 200 };
export const bodyRule: TextRule = { min: 0, max: 20_000 };

export const defaultPageSize = 20;
export const maxPageSize = 100;

/** The API shape of a stored note; the owner stays inside the service. */
export function toNoteMessage(record: NoteRecord): Note {
  return {
    id: record.id,
    title: record.title,
    body: record.body,
    createTime: record.createdAt,
    updateTime: record.updatedAt,
  };
}
