import { pgCodes, pgErrorCode, type Sql, withSignal } from "@trellis/service-kit";
import { noteAlreadyExists } from "../errors.ts";
import type { NoteRecord } from "../note.ts";

// A type, not an interface: `sql(changes, columns)` takes an object with an index signature,
// which a type alias has implicitly and an interface does not.
export type NoteChanges = {
  title?: string;
  body?: string;
};

/** Every read and write is scoped to an owner: another owner's note behaves as absent. */
export interface NotesRepo {
  /** Errors: ALREADY_EXISTS when the id is taken. */
  create(
    note: Pick<NoteRecord, "id" | "ownerId" | "title" | "body">,
    signal: AbortSignal,
  ): Promise<NoteRecord>;
  findForOwner(id: string, ownerId: string, signal: AbortSignal): Promise<NoteRecord | null>;
  /** Up to `limit` notes, newest first, starting after the note `after` when given. */
  listForOwner(
    ownerId: string,
    page: { after: string | null; limit: number },
    signal: AbortSignal,
  ): Promise<NoteRecord[]>;
  updateForOwner(
    id: string,
    ownerId: string,
    changes: NoteChanges,
    signal: AbortSignal,
  ): Promise<NoteRecord | null>;
  /** True when a note was deleted. */
  deleteForOwner(id: string, ownerId: string, signal: AbortSignal): Promise<boolean>;
}

interface NoteRow {
  id: string;
  owner_id: string;
  title: string;
  body: string;
  created_at: Date;
  updated_at: Date;
}

export function createNotesRepo(sql: Sql): NotesRepo {
  return {
    async create(note, signal) {
      const [row] = await withSignal(
        sql<NoteRow[]>`
          INSERT INTO notes (id, owner_id, title, body)
          VALUES (${note.id}, ${note.ownerId}, ${note.title}, ${note.body})
          RETURNING id, owner_id, title, body, created_at, updated_at`,
        signal,
      ).catch((error: unknown) => {
        throw pgErrorCode(error) === pgCodes.uniqueViolation
          ? noteAlreadyExists(note.id, error)
          : error;
      });
      if (row === undefined) {
        throw new Error("INSERT returned no row");
      }
      return toRecord(row, row.owner_id);
    },

    async findForOwner(id, ownerId, signal) {
      const [row] = await withSignal(
        sql<NoteRow[]>`
          SELECT id, owner_id, title, body, created_at, updated_at FROM notes
          WHERE id = ${id} AND owner_id = ${ownerId}`,
        signal,
      );
      return row === undefined ? null : toRecord(row, row.owner_id);
    },

    async listForOwner(ownerId, page, signal) {
      // owner_id is the one asked for: not read back, a column fewer for the client to parse
      // in each of up to 101 rows (bench/investigations/list-create).
      const rows = await withSignal(
        sql<Omit<NoteRow, "owner_id">[]>`
          SELECT id, title, body, created_at, updated_at FROM notes
          WHERE owner_id = ${ownerId} ${page.after === null ? sql`` : sql`AND id < ${page.after}`}
          ORDER BY id DESC
          LIMIT ${page.limit}`,
        signal,
      );
      return rows.map((row) => toRecord(row, ownerId));
    },

    async updateForOwner(id, ownerId, changes, signal) {
      const columns = (["title", "body"] as const).filter((key) => changes[key] !== undefined);
      if (columns.length === 0) {
        return this.findForOwner(id, ownerId, signal);
      }
      const [row] = await withSignal(
        sql<NoteRow[]>`
          UPDATE notes SET ${sql(changes, ...columns)}, updated_at = now()
          WHERE id = ${id} AND owner_id = ${ownerId}
          RETURNING id, owner_id, title, body, created_at, updated_at`,
        signal,
      );
      return row === undefined ? null : toRecord(row, row.owner_id);
    },

    async deleteForOwner(id, ownerId, signal) {
      const result = await withSignal(
        sql`DELETE FROM notes WHERE id = ${id} AND owner_id = ${ownerId}`,
        signal,
      );
      return result.count > 0;
    },
  };
}

function toRecord(row: Omit<NoteRow, "owner_id">, ownerId: string): NoteRecord {
  return {
    id: row.id,
    ownerId,
    title: row.title,
    body: row.body,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
