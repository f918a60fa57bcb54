import type { UsersRepo } from "../db/users.ts";
import type { OAuthAccount, Profile, UserRecord } from "../user.ts";
import { NOW } from "./fixtures.ts";

/** A stored link from a provider identity to a user. */
export interface LinkedAccount extends OAuthAccount {
  userId: string;
}

/** One call the fake received, without its signal. */
export type UsersCall =
  | { method: "upsertForAccount"; account: OAuthAccount; profile: Profile; newUserId: string }
  | { method: "findById"; id: string };

export interface FakeUsers extends UsersRepo {
  /** Every call so far, in order. */
  readonly calls: UsersCall[];
  /** The users the fake holds now, by id. */
  records(): UserRecord[];
  /** The account links the fake holds now, in the order they were made. */
  accounts(): LinkedAccount[];
}

/**
 * An in-memory UsersRepo that behaves like the Postgres one: users keyed on (provider,
 * provider_user_id), `now` as the clock. Given an Error instead, every call rejects with it.
 */
export function fakeUsers(
  stored: { users?: UserRecord[]; accounts?: LinkedAccount[] } | Error = {},
  options: { now?: Date } = {},
): FakeUsers {
  const now = options.now ?? NOW;
  const rows = new Map<string, UserRecord>();
  const links: LinkedAccount[] = [];
  if (!(stored instanceof Error)) {
    for (const record of stored.users ?? []) {
      rows.set(record.id, { ...record });
    }
    links.push(...(stored.accounts ?? []).map((link) => ({ ...link })));
  }
  const calls: UsersCall[] = [];
  const receive = (call: UsersCall): void => {
    calls.push(call);
    if (stored instanceof Error) {
      throw stored;
    }
  };

  const repo = {
    async upsertForAccount(account, profile, newUserId) {
      receive({
        method: "upsertForAccount",
        account: { ...account },
        profile: { ...profile },
        newUserId,
      });
      const link = links.find(
        (l) => l.provider === account.provider && l.providerUserId === account.providerUserId,
      );
      const existing = link === undefined ? undefined : rows.get(link.userId);
      const user = { ...(existing ?? { id: newUserId, createdAt: now }), ...profile };
      rows.set(user.id, user);
      if (existing === undefined) {
        links.push({ ...account, userId: user.id });
      }
      return { user: { ...user }, created: existing === undefined };
    },
    async findById(id) {
      receive({ method: "findById", id });
      const row = rows.get(id);
      return row === undefined ? null : { ...row };
    },
  } satisfies UsersRepo;

  return Object.assign(repo, {
    calls,
    records: () => [...rows.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
    accounts: () => links.map((link) => ({ ...link })),
  });
}
