import type { NewSession } from "../db/sessions.ts";
import type { SessionRecord } from "../session.ts";
import type { UserRecord } from "../user.ts";

/** A session with the user it belongs to, as the repository's joins return them. */
type SessionWithUser = { session: SessionRecord; user: UserRecord };

/** The sessions table (joined on `users`) in memory: what the fake repository answers from. */
export interface MemorySessions {
  create(session: NewSession): SessionRecord;
  findWithUser(id: string): SessionWithUser | null;
  findManyWithUser(ids: string[]): Map<string, SessionWithUser>;
  setExpiry(id: string, expiresAt: Date): void;
  delete(id: string): boolean;
  deleteForUser(userId: string): number;
  deleteExpired(now: Date): number;
  /** The sessions held now, by id. */
  records(): SessionRecord[];
}

/**
 * Behaves like the Postgres tables: a session id is unique, and a session whose user is not in
 * `users` is not found. Every answer is a copy, so a caller that changes one changes nothing here.
 */
export function memorySessions(stored: SessionRecord[], users: UserRecord[]): MemorySessions {
  const rows = new Map(stored.map((record) => [record.id, { ...record }]));
  const withUser = (id: string): SessionWithUser | null => {
    const row = rows.get(id);
    const owner = users.find((u) => u.id === row?.userId);
    return row === undefined || owner === undefined
      ? null
      : { session: { ...row }, user: { ...owner } };
  };
  const deleteWhere = (doomed: (row: SessionRecord) => boolean): number => {
    const gone = [...rows.values()].filter(doomed);
    for (const row of gone) {
      rows.delete(row.id);
    }
    return gone.length;
  };
  return {
    create(session) {
      if (rows.has(session.id)) {
        throw new Error(`duplicate session id ${session.id}`);
      }
      const row = { ...session };
      rows.set(row.id, row);
      return { ...row };
    },
    findWithUser: withUser,
    findManyWithUser(ids) {
      const found = new Map<string, SessionWithUser>();
      for (const id of ids) {
        const hit = withUser(id);
        if (hit !== null) {
          found.set(id, hit);
        }
      }
      return found;
    },
    setExpiry(id, expiresAt) {
      const row = rows.get(id);
      if (row !== undefined) {
        rows.set(id, { ...row, expiresAt });
      }
    },
    delete: (id) => rows.delete(id),
    deleteForUser: (userId) => deleteWhere((row) => row.userId === userId),
    deleteExpired: (now) => deleteWhere((row) => row.expiresAt.getTime() <= now.getTime()),
    records: () => [...rows.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
}
