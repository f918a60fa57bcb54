import {
  beginWithSignal,
  pgCodes,
  pgErrorCode,
  type Sql,
  type TransactionSql,
  withSignal,
} from "@trellis/service-kit";
import type { OAuthAccount, Profile, UserRecord } from "../user.ts";

export interface UsersRepo {
  /**
   * The user linked to `account` with `profile` written over theirs, or, when none is, a new user
   * `newUserId` with that profile, linked to `account`. One transaction; two first logins of the
   * same account at once both end with the one user.
   */
  upsertForAccount(
    account: OAuthAccount,
    profile: Profile,
    newUserId: string,
    signal: AbortSignal,
  ): Promise<{ user: UserRecord; created: boolean }>;
  findById(id: string, signal: AbortSignal): Promise<UserRecord | null>;
}

interface UserRow {
  id: string;
  name: string;
  email: string;
  avatar_url: string;
  created_at: Date;
}

export function createUsersRepo(sql: Sql): UsersRepo {
  return {
    async upsertForAccount(account, profile, newUserId, signal) {
      return beginWithSignal(sql, signal, async (tx) => {
        const linked = await refreshLinked(tx, account, profile, signal);
        if (linked !== null) {
          return { user: linked, created: false };
        }
        try {
          // A savepoint, so that losing the race below leaves the transaction usable.
          const user = await tx.savepoint((sp) =>
            insertLinked(sp, account, profile, newUserId, signal),
          );
          return { user, created: true };
        } catch (error) {
          if (pgErrorCode(error) !== pgCodes.uniqueViolation) {
            throw error;
          }
          // Another login of the same account committed first: its user is the one.
          const winner = await refreshLinked(tx, account, profile, signal);
          if (winner === null) {
            throw new Error("oauth account vanished after a unique violation", { cause: error });
          }
          return { user: winner, created: false };
        }
      });
    },

    async findById(id, signal) {
      const [row] = await withSignal(
        sql<UserRow[]>`
          SELECT id, name, email, avatar_url, created_at FROM users WHERE id = ${id}`,
        signal,
      );
      return row === undefined ? null : toRecord(row);
    },
  };
}

async function refreshLinked(
  tx: TransactionSql,
  account: OAuthAccount,
  profile: Profile,
  signal: AbortSignal,
): Promise<UserRecord | null> {
  const [row] = await withSignal(
    tx<UserRow[]>`
      UPDATE users SET name = ${profile.name}, email = ${profile.email},
        avatar_url = ${profile.avatarUrl}
      FROM oauth_accounts a
      WHERE a.provider = ${account.provider} AND a.provider_user_id = ${account.providerUserId}
        AND users.id = a.user_id
      RETURNING users.id, users.name, users.email, users.avatar_url, users.created_at`,
    signal,
  );
  return row === undefined ? null : toRecord(row);
}

async function insertLinked(
  tx: TransactionSql,
  account: OAuthAccount,
  profile: Profile,
  id: string,
  signal: AbortSignal,
): Promise<UserRecord> {
  const [row] = await withSignal(
    tx<UserRow[]>`
      INSERT INTO users (id, name, email, avatar_url)
      VALUES (${id}, ${profile.name}, ${profile.email}, ${profile.avatarUrl})
      RETURNING id, name, email, avatar_url, created_at`,
    signal,
  );
  if (row === undefined) {
    throw new Error("INSERT returned no row");
  }
  await withSignal(
    tx`
      INSERT INTO oauth_accounts (provider, provider_user_id, user_id)
      VALUES (${account.provider}, ${account.providerUserId}, ${id})`,
    signal,
  );
  return toRecord(row);
}

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    avatarUrl: row.avatar_url,
    createdAt: row.created_at,
  };
}
