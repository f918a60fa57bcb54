import { Inject, Injectable } from "@nestjs/common";
import type pg from "pg";
import { PG_POOL } from "../shared/database.js";

export interface NoteRow {
  id: string;
  title: string;
  body: string;
  created_at: Date;
  updated_at: Date;
}

/** The notes table of Trellis's notes service (its migrations made it); scoped to an owner. */
@Injectable()
export class NotesRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async create(note: {
    id: string;
    ownerId: string;
    title: string;
    body: string;
  }): Promise<NoteRow> {
    // Named statements: node-postgres prepares each once per connection.
    const { rows } = await this.pool.query<NoteRow>({
      name: "create-note",
      text: `INSERT INTO notes (id, owner_id, title, body) VALUES ($1, $2, $3, $4)
             RETURNING id, title, body, created_at, updated_at`,
      values: [note.id, note.ownerId, note.title, note.body],
    });
    const row = rows[0];
    if (row === undefined) {
      throw new Error("INSERT returned no row");
    }
    return row;
  }

  /** Up to `limit` notes, newest first (ids are UUIDv7), after the note `after` when given. */
  async listForOwner(ownerId: string, after: string | null, limit: number): Promise<NoteRow[]> {
    const { rows } =
      after === null
        ? await this.pool.query<NoteRow>({
            name: "list-notes",
            text: `SELECT id, title, body, created_at, updated_at FROM notes
                   WHERE owner_id = $1 ORDER BY id DESC LIMIT $2`,
            values: [ownerId, limit],
          })
        : await this.pool.query<NoteRow>({
            name: "list-notes-after",
            text: `SELECT id, title, body, created_at, updated_at FROM notes
                   WHERE owner_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
            values: [ownerId, after, limit],
          });
    return rows;
  }
}
