import { Inject, Injectable } from "@nestjs/common";
import type pg from "pg";
import { PG_POOL } from "../shared/database.js";

/** A session and its user, from one join. */
export interface SessionWithUser {
  id: string;
  secretHash: Buffer;
  expiresAt: Date;
  user: { id: string; name: string; email: string; avatarUrl: string; createdAt: Date };
}

interface Row {
  id: string;
  secret_hash: Buffer;
  expires_at: Date;
  user_id: string;
  name: string;
  email: string;
  avatar_url: string;
  user_created_at: Date;
}

/** The sessions and users tables of Trellis's identity service (its migrations made them). */
@Injectable()
export class SessionsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async findWithUser(id: string): Promise<SessionWithUser | null> {
    // A named statement: node-postgres prepares it once per connection.
    const { rows } = await this.pool.query<Row>({
      name: "find-session",
      text: `SELECT s.id, s.secret_hash, s.expires_at, s.user_id,
               u.name, u.email, u.avatar_url, u.created_at AS user_created_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.id = $1`,
      values: [id],
    });
    const row = rows[0];
    if (row === undefined) {
      return null;
    }
    return {
      id: row.id,
      secretHash: row.secret_hash,
      expiresAt: row.expires_at,
      user: {
        id: row.user_id,
        name: row.name,
        email: row.email,
        avatarUrl: row.avatar_url,
        createdAt: row.user_created_at,
      },
    };
  }

  async setExpiry(id: string, expiresAt: Date): Promise<void> {
    await this.pool.query({
      name: "renew-session",
      text: "UPDATE sessions SET expires_at = $2 WHERE id = $1",
      values: [id, expiresAt],
    });
  }

  async delete(id: string): Promise<void> {
    await this.pool.query({
      name: "delete-session",
      text: "DELETE FROM sessions WHERE id = $1",
      values: [id],
    });
  }
}
