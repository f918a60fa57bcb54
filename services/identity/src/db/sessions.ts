import { type Sql, withSignal } from "@trellis/service-kit";
import type { SessionRecord } from "../session.ts";
import type { UserRecord } from "../user.ts";

export type NewSession = Pick<
  SessionRecord,
  "id" | "userId" | "secretHash" | "createdAt" | "expiresAt"
>;

export interface SessionsRepo {
  create(session: NewSession, signal: AbortSignal): Promise<SessionRecord>;
  /** The session and its user in one query: this is the gateway's path for every request. */
  findWithUser(
    id: string,
    signal: AbortSignal,
  ): Promise<{ session: SessionRecord; user: UserRecord } | null>;
  /** `findWithUser` for many ids in one query: the sessions found, by id. */
  findManyWithUser(
    ids: string[],
    signal: AbortSignal,
  ): Promise<Map<string, { session: SessionRecord; user: UserRecord }>>;
  setExpiry(id: string, expiresAt: Date, signal: AbortSignal): Promise<void>;
  /** True when a session was deleted. */
  delete(id: string, signal: AbortSignal): Promise<boolean>;
  /** Deletes every session of the user; returns how many. */
  deleteForUser(userId: string, signal: AbortSignal): Promise<number>;
  /** Deletes every session that expired at or before `now`; returns how many. */
  deleteExpired(now: Date, signal: AbortSignal): Promise<number>;
}

interface SessionRow {
  id: string;
  user_id: string;
  secret_hash: Uint8Array;
  created_at: Date;
  expires_at: Date;
}

interface SessionUserRow extends SessionRow {
  name: string;
  email: string;
  avatar_url: string;
  user_created_at: Date;
}

export function createSessionsRepo(sql: Sql): SessionsRepo {
  return {
    async create(session, signal) {
      const [row] = await withSignal(
        sql<SessionRow[]>`
          INSERT INTO sessions (id, user_id, secret_hash, created_at, expires_at)
          VALUES (${session.id}, ${session.userId}, ${session.secretHash}, ${session.createdAt},
            ${session.expiresAt})
          RETURNING id, user_id, secret_hash, created_at, expires_at`,
        signal,
      );
      if (row === undefined) {
        throw new Error("INSERT returned no row");
      }
      return toRecord(row);
    },

    async findWithUser(id, signal) {
      const [row] = await withSignal(
        sql<SessionUserRow[]>`
          SELECT s.id, s.user_id, s.secret_hash, s.created_at, s.expires_at,
            u.name, u.email, u.avatar_url, u.created_at AS user_created_at
          FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.id = ${id}`,
        signal,
      );
      return row === undefined ? null : toSessionWithUser(row);
    },

    async findManyWithUser(ids, signal) {
      if (ids.length === 0) {
        return new Map();
      }
      const rows = await withSignal(
        sql<SessionUserRow[]>`
          SELECT s.id, s.user_id, s.secret_hash, s.created_at, s.expires_at,
            u.name, u.email, u.avatar_url, u.created_at AS user_created_at
          FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.id = ANY(${sql.array(ids)}::text[])`,
        signal,
      );
      return new Map(rows.map((row) => [row.id, toSessionWithUser(row)]));
    },

    async setExpiry(id, expiresAt, signal) {
      await withSignal(sql`UPDATE sessions SET expires_at = ${expiresAt} WHERE id = ${id}`, signal);
    },

    async delete(id, signal) {
      const result = await withSignal(sql`DELETE FROM sessions WHERE id = ${id}`, signal);
      return result.count > 0;
    },

    async deleteForUser(userId, signal) {
      // sessions_user_id_idx finds them.
      const result = await withSignal(sql`DELETE FROM sessions WHERE user_id = ${userId}`, signal);
      return result.count;
    },

    async deleteExpired(now, signal) {
      const result = await withSignal(sql`DELETE FROM sessions WHERE expires_at <= ${now}`, signal);
      return result.count;
    },
  };
}

function toSessionWithUser(row: SessionUserRow): { session: SessionRecord; user: UserRecord } {
  return {
    session: toRecord(row),
    user: {
      id: row.user_id,
      name: row.name,
      email: row.email,
      avatarUrl: row.avatar_url,
      createdAt: row.user_created_at,
    },
  };
}

function toRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    // Bun's client hands bytea back as a Buffer; the rest of the service speaks Uint8Array.
    secretHash: new Uint8Array(row.secret_hash),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}
