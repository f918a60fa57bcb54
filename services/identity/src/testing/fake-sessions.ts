import type { NewSession, SessionsRepo } from "../db/sessions.ts";
import type { SessionRecord } from "../session.ts";
import type { UserRecord } from "../user.ts";
import { user } from "./fixtures.ts";
import { memorySessions } from "./memory-sessions.ts";

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
  const table = memorySessions(stored instanceof Error ? [] : stored, options.users ?? [user()]);
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
      return table.create(session);
    },
    async findWithUser(id) {
      receive({ method: "findWithUser", id });
      return table.findWithUser(id);
    },
    async findManyWithUser(ids) {
      receive({ method: "findManyWithUser", ids: [...ids] });
      return table.findManyWithUser(ids);
    },
    async setExpiry(id, expiresAt) {
      receive({ method: "setExpiry", id, expiresAt });
      table.setExpiry(id, expiresAt);
    },
    async delete(id) {
      receive({ method: "delete", id });
      return table.delete(id);
    },
    async deleteForUser(userId) {
      receive({ method: "deleteForUser", userId });
      return table.deleteForUser(userId);
    },
    async deleteExpired(at) {
      receive({ method: "deleteExpired", now: at });
      return table.deleteExpired(at);
    },
  } satisfies SessionsRepo;

  return Object.assign(repo, { calls, records: table.records });
}
