import type { NewSession, SessionsRepo } from "../db/sessions.ts";
import type { SessionRecord } from "../session.ts";
import type { UserRecord } from "../user.ts";
import { user } from "./fixtures.ts";

/** One call the fake received, without its signal. */
export type SessionsCall =
  | { method: "create"; session: NewSession }
  | { method: "findWithUser"; id: string }
  | { method: "findManyWithUser"; ids: string[] }
  | { method: "setExpiry"; id: string; expiresAt: Date }
  | { method: "delete"; id: string }
  | { method: "deleteForUser"; userId: string }
  | { method: "deleteExpired"; now: Date };

export interface FakeSessions extends SessionsRepo {
  /** Every call so far, in order. */
  readonly calls: SessionsCall[];
  /** The sessions the fake holds now, by id. */
  records(): SessionRecord[];
}

/**
 * An in-memory SessionsRepo that behaves like the Postgres one: `findWithUser` joins on `users`
 * (the fixture user by default). Given an Error instead of sessions, every call rejects with it.
 */
export function fakeSessions(
  stored: SessionRecord[] | Error = [],
  options: { users?: UserRecord[] } = {},
): FakeSessions {
  const users = options.users ?? [user()];
  const rows = new Map<string, SessionRecord>();
  for (const record of stored instanceof Error ? [] : stored) {
    rows.set(record.id, { ...record });
  }
  const calls: SessionsCall[] = [];
  const receive = (call: SessionsCall): void => {
    calls.push(call);
    if (stored instanceof Error) {
      throw stored;
    }
  };

  const repo = {
    async create(session) {
      receive({ method: "create", session: { ...session } });
      if (rows.has(session.id)) {
        throw new Error(`duplicate session id ${session.id}`);
      }
      const row = { ...session };
      rows.set(row.id, row);
      return { ...row };
    },
    async findWithUser(id) {
      receive({ method: "findWithUser", id });
      const row = rows.get(id);
      const owner = users.find((u) => u.id === row?.userId);
      return row === undefined || owner === undefined
        ? null
        : { session: { ...row }, user: { ...owner } };
    },
    async findManyWithUser(ids) {
      receive({ method: "findManyWithUser", ids: [...ids] });
      const found = new Map<string, { session: SessionRecord; user: UserRecord }>();
      for (const id of ids) {
        const row = rows.get(id);
        const owner = users.find((u) => u.id === row?.userId);
        if (row !== undefined && owner !== undefined) {
          found.set(id, { session: { ...row }, user: { ...owner } });
        }
      }
      return found;
    },
    async setExpiry(id, expiresAt) {
      receive({ method: "setExpiry", id, expiresAt });
      const row = rows.get(id);
      if (row !== undefined) {
        rows.set(id, { ...row, expiresAt });
      }
    },
    async delete(id) {
      receive({ method: "delete", id });
      return rows.delete(id);
    },
    async deleteForUser(userId) {
      receive({ method: "deleteForUser", userId });
      const theirs = [...rows.values()].filter((row) => row.userId === userId);
      for (const row of theirs) {
        rows.delete(row.id);
      }
      return theirs.length;
    },
    async deleteExpired(at) {
      receive({ method: "deleteExpired", now: at });
      const expired = [...rows.values()].filter((row) => row.expiresAt.getTime() <= at.getTime());
      for (const row of expired) {
        rows.delete(row.id);
      }
      return expired.length;
    },
  } satisfies SessionsRepo;

  return Object.assign(repo, {
    calls,
    records: () => [...rows.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
  });
}
