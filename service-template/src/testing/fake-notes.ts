import type { NoteChanges, NotesRepo } from "../db/notes.ts";
import type { NoteRecord } from "../note.ts";
import { NOW } from "./fixtures.ts";

/** One call the fake received, without its signal. */
export type NotesCall =
  | { method: "create"; note: Pick<NoteRecord, "id" | "ownerId" | "title" | "body"> }
  | { method: "findForOwner"; id: string; ownerId: string }
  | { method: "listForOwner"; ownerId: string; after: string | null; limit: number }
  | { method: "updateForOwner"; id: string; ownerId: string; changes: NoteChanges }
  | { method: "deleteForOwner"; id: string; ownerId: string };

export interface FakeNotes extends NotesRepo {
  /** Every call so far, in order. */
  readonly calls: NotesCall[];
  /** The notes the fake holds now, oldest id first. */
  records(): NoteRecord[];
}

/**
 * An in-memory NotesRepo that behaves like the Postgres one: scoped to an owner, newest id
 * first, `now` as the clock. Given an Error instead of notes, every call rejects with it.
 */
export function fakeNotes(
  stored: NoteRecord[] | Error = [],
  options: { now?: Date } = {},
): FakeNotes {
  const now = options.now ?? NOW;
  const rows = new Map<string, NoteRecord>();
  for (const record of stored instanceof Error ? [] : stored) {
    rows.set(record.id, { ...record });
  }
  const calls: NotesCall[] = [];
  const receive = (call: NotesCall): void => {
    calls.push(call);
    if (stored instanceof Error) {
      throw stored;
    }
  };
  const owned = (id: string, ownerId: string): NoteRecord | undefined => {
    const row = rows.get(id);
    return row?.ownerId === ownerId ? row : undefined;
  };

  const repo = {
    async create(note) {
      receive({ method: "create", note: { ...note } });
      const row = { ...note, createdAt: now, updatedAt: now };
      rows.set(row.id, row);
      return { ...row };
    },
    async findForOwner(id, ownerId) {
      receive({ method: "findForOwner", id, ownerId });
      const row = owned(id, ownerId);
      return row === undefined ? null : { ...row };
    },
    async listForOwner(ownerId, page) {
      receive({ method: "listForOwner", ownerId, ...page });
      return [...rows.values()]
        .filter((row) => row.ownerId === ownerId && (page.after === null || row.id < page.after))
        .sort((a, b) => (a.id < b.id ? 1 : -1))
        .slice(0, page.limit)
        .map((row) => ({ ...row }));
    },
    async updateForOwner(id, ownerId, changes) {
      receive({ method: "updateForOwner", id, ownerId, changes: { ...changes } });
      const row = owned(id, ownerId);
      if (row === undefined) {
        return null;
      }
      const updated = { ...row, ...changes, updatedAt: now };
      rows.set(id, updated);
      return { ...updated };
    },
    async deleteForOwner(id, ownerId) {
      receive({ method: "deleteForOwner", id, ownerId });
      return owned(id, ownerId) !== undefined && rows.delete(id);
    },
  } satisfies NotesRepo;

  return Object.assign(repo, {
    calls,
    records: () => [...rows.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
  });
}
