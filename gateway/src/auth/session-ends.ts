import { boundedLru } from "../http/bounded-lru.ts";

/**
 * The session ends (logouts, sign-outs everywhere) that a session check may have raced. A check
 * whose answer identity gave before the delete must not put the session back in the cache: its
 * answer is refused while the end is in progress, and afterwards when the check started before
 * the end finished. Keys name a token, a session id or a user ("t:<token>", "s:<session id>",
 * "u:<user id>"); ends made by other replicas arrive by session id or user (`mark`).
 *
 * Finished ends are kept in a bounded LRU: a mark matters only for checks that started before it,
 * and a check answered more than the cache's TTL after it started is not cached anyway.
 */
export interface SessionEnds {
  /** Runs `remove` with `key` marked as ending, then `drop`; marks `key` as ended then. */
  run<T>(key: string, remove: () => Promise<T>, drop: () => void): Promise<T>;
  /** Whether a check of `keys` that started at `checkedAt` overlapped an end of one of them. */
  overlaps(keys: readonly string[], checkedAt: number): boolean;
  /** Marks `key` as ended now, for an end that finished elsewhere (another gateway replica). */
  mark(key: string): void;
}

export function createSessionEnds(options: { now: () => number; max: number }): SessionEnds {
  const inProgress = new Map<string, number>();
  const finishedAt = boundedLru<string, number>(options.max);

  return {
    async run(key, remove, drop) {
      inProgress.set(key, (inProgress.get(key) ?? 0) + 1);
      try {
        return await remove();
      } finally {
        // Whether or not identity answered: dropping a live session only costs a re-check.
        drop();
        finishedAt.set(key, options.now());
        const left = (inProgress.get(key) ?? 1) - 1;
        if (left === 0) {
          inProgress.delete(key);
        } else {
          inProgress.set(key, left);
        }
      }
    },
    overlaps(keys, checkedAt) {
      // At or after: within one clock tick, the check may have been answered before the delete.
      return keys.some(
        (key) =>
          inProgress.has(key) || (finishedAt.get(key) ?? Number.NEGATIVE_INFINITY) >= checkedAt,
      );
    },
    mark(key) {
      finishedAt.set(key, options.now());
    },
  };
}

export function tokenKey(token: string): string {
  return `t:${token}`;
}

export function userKey(userId: string): string {
  return `u:${userId}`;
}

/** A session by its id, the public half of its token: what replicas tell each other. */
export function sessionKey(sessionId: string): string {
  return `s:${sessionId}`;
}

/**
 * A session end another gateway replica made (session-end-channel.ts): one session by its id,
 * or every session of a user. Never the token: its secret does not leave the process.
 */
export type SessionEnd = { sessionId: string } | { userId: string };
