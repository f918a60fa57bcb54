import type { NoteChanges } from "../db/notes.ts";
import type { NoteRecord } from "../note.ts";

/** The notes table in memory: what the fake repository answers from, signals aside. */
export interface MemoryNotes {
  create(note: Pick<NoteRecord, "id" | "ownerId" | "title" | "body">): NoteRecord;
  findForOwner(id: string, ownerId: string): NoteRecord | null;
  listForOwner(ownerId: string, page: { after: string | null; limit: number }): NoteRecord[];
  updateForOwner(id: string, ownerId: string, changes: NoteChanges): NoteRecord | null;
  deleteForOwner(id: string, ownerId: string): boolean;
  /** The notes held now, oldest id first. */
  records(): NoteRecord[];
}

/**
 * Behaves like the Postgres table and its queries: scoped to an owner, newest id first, `now`
 * as the clock. Every answer is a copy, so a caller that changes one changes nothing here.
 */
export function memoryNotes(stored: NoteRecord[], now: Date): MemoryNotes {
  const rows = new Map(stored.map((record) => [record.id, { ...record }]));
  const owned = (id: string, ownerId: string): NoteRecord | undefined => {
    const row = rows.get(id);
    return row?.ownerId === ownerId ? row : undefined;
  };
  return {
    create(note) {
      const row = { ...note, createdAt: now, updatedAt: now };
      rows.set(row.id, row);
      return { ...row };
    },
    findForOwner(id, ownerId) {
      const row = owned(id, ownerId);
      return row === undefined ? null : { ...row };
    },
    listForOwner(ownerId, page) {
      return [...rows.values()]
        .filter((row) => row.ownerId === ownerId && (page.after === null || row.id < page.after))
        .sort((a, b) => (a.id < b.id ? 1 : -1))
        .slice(0, page.limit)
        .map((row) => ({ ...row }));
    },
    updateForOwner(id, ownerId, changes) {
      const row = owned(id, ownerId);
      if (row === undefined) {
        return null;
      }
      const updated = { ...row, ...changes, updatedAt: now };
      rows.set(id, updated);
      return { ...updated };
    },
    deleteForOwner: (id, ownerId) => owned(id, ownerId) !== undefined && rows.delete(id),
    records: () => [...rows.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
}
