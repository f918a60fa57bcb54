import type { NoteChanges, NotesRepo } from "../db/notes.ts";
import type { NoteRecord } from "../note.ts";
import { NOW } from "./fixtures.ts";
import { memoryNotes } from "./memory-notes.ts";

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
  const table = memoryNotes(stored instanceof Error ? [] : stored, options.now ?? NOW);
  const calls: NotesCall[] = [];
  const receive = (call: NotesCall): void => {
    calls.push(call);
    if (stored instanceof Error) {
      throw stored;
    }
  };

  const repo = {
    async create(note) {
      receive({ method: "create", note: { ...note } });
      return table.create(note);
    },
    async findForOwner(id, ownerId) {
      receive({ method: "findForOwner", id, ownerId });
      return table.findForOwner(id, ownerId);
    },
    async listForOwner(ownerId, page) {
      receive({ method: "listForOwner", ownerId, ...page });
      return table.listForOwner(ownerId, page);
    },
    async updateForOwner(id, ownerId, changes) {
      receive({ method: "updateForOwner", id, ownerId, changes: { ...changes } });
      return table.updateForOwner(id, ownerId, changes);
    },
    async deleteForOwner(id, ownerId) {
      receive({ method: "deleteForOwner", id, ownerId });
      return table.deleteForOwner(id, ownerId);
    },
  } satisfies NotesRepo;

  return Object.assign(repo, { calls, records: table.records });
}
