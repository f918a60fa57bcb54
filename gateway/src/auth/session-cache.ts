import type { ValidateSessionResponse } from "@trellis/contracts/identity/v1";
import type { LRUCache } from "lru-cache";
import { isServiceBusy } from "../errors.ts";
import { boundedLru } from "../http/bounded-lru.ts";
import { sessionIdOf } from "../http/session-rate-limit.ts";
import { cryptoFraction } from "./crypto-fraction.ts";
import { type Entry, serveEntry } from "./session-cache-entry.ts";
import {
  createSessionEnds,
  type SessionEnd,
  type SessionEnds,
  sessionKey,
  tokenKey,
  userKey,
} from "./session-ends.ts";

/**
 * What a session check answers: the user and the expiry. `renewed` says the cookie must be set
 * to that expiry now: identity slid it forward, on this check or on a background refresh whose
 * news this request is the first to carry.
 */
export type ValidatedSession = ValidateSessionResponse;

export interface SessionValidator {
  /** The session of `token`, from the cache or from identity; rejects as identity does. */
  validate(token: string): Promise<ValidatedSession>;
  /** Drops `token` at once, including a check in flight. */
  forget(token: string): void;
  /**
   * Ends `token`'s session: `remove` (identity's delete) first, then the cache drops it. While
   * and after it runs, no check that raced it caches the token again. Resolves as `remove`.
   */
  end<T>(token: string, remove: () => Promise<T>): Promise<T>;
  /** Ends every session of `userId` as `end` ends one: all their cached tokens go after `remove`. */
  endAllOf<T>(userId: string, remove: () => Promise<T>): Promise<T>;
  /**
   * An end another gateway replica made: drops the matching entries at once, and no check that
   * started before this call caches them again (session-end-channel.ts delivers these).
   */
  endedElsewhere(end: SessionEnd): void;
  /**
   * Whether other replicas' ends reach this one. While they do not, what is cached may have
   * missed one: the cache is emptied and entries are kept at most `unreachedTtlMs`.
   */
  setEndsReach(reached: boolean): void;
}

export interface SessionCacheOptions {
  /** How long a validated session is reused without asking identity; 0 turns the cache off. */
  ttlMs: number;
  /** Bound on memory: the least recently used sessions go first. */
  maxEntries: number;
  /** Injected so tests can move time. */
  now?: () => number;
  /**
   * A number in [0, 1): where in its window a refresh-ahead falls (default: from
   * crypto.getRandomValues). Injected so tests can pin it.
   */
  random?: () => number;
  /** At most this many background refreshes at once (default 16); see below. */
  maxBackgroundChecks?: number;
  /**
   * How a background refresh asks identity (default: `check`). The gateway batches them
   * (session-refresh.ts); a miss, which a request waits for, always uses `check` at once.
   */
  refresh?: (token: string) => Promise<ValidatedSession>;
  /** The TTL while other replicas' ends cannot reach this one (default 1 s); see setEndsReach. */
  unreachedTtlMs?: number;
  /** Told of each request's check: answered from the cache (hit) or not (metrics). */
  onLookup?: (hit: boolean) => void;
}

/** Refresh-ahead falls between these fractions of the TTL after the check, spread at random. */
const REFRESH_FROM = 0.5;
const REFRESH_SPREAD = 0.4;
const MAX_BACKGROUND_CHECKS = 16;
// What "a session ended on one replica stops working on all within a second" allows.
const UNREACHED_TTL_MS = 1_000;

/**
 * Every authenticated request checks its session; asking identity each time makes that check
 * the costliest part of the hot path. Validated sessions are kept for `ttlMs`, so a session
 * deleted elsewhere (another gateway's logout, identity's expiry sweep) is still accepted here
 * for at most `ttlMs`; a logout through this gateway calls `forget` and takes effect at once.
 * Replicas sharing a Redis tell each other their ends (`endedElsewhere`, shared-session-ends.ts),
 * and while they cannot, entries live at most `unreachedTtlMs` (`setEndsReach`).
 * An entry never outlives its session's own expiry, and a failed check is never cached, so an
 * attacker's junk tokens cannot fill the cache.
 *
 * Refresh-ahead: once 50-90% of the TTL has passed, a request is still answered from the cache
 * but starts one check in the background, whose answer replaces the entry (or, if identity
 * refuses, removes it). A session in steady use is then never waited on, and the staleness bound
 * stays `ttlMs`: an entry is only ever served within `ttlMs` of the check that produced it.
 *
 * Two things keep refreshes from bunching into bursts that delay the requests around them (the
 * bench saw a burst of 500 refreshes within half a second hold requests for 100 ms): each entry's
 * refresh point is drawn at random within its window, so sessions first seen together drift
 * apart, and at most `maxBackgroundChecks` refreshes run at once. A refresh skipped for that cap
 * is retried by the session's next request; if none gets through before the TTL ends, the next
 * request waits for its check as on a miss. Refreshes thus never add more than a bounded amount
 * of work to a gateway that is already busy. The gateway also sends them through `refresh`,
 * which batches those that fall due close together into one call (session-refresh.ts).
 *
 * The cookie follows renewals: each entry remembers the expiry the browser's cookie was last
 * set to (`cookieUntil`), and the first request served after a check that moved the expiry
 * further (a refresh in the background included) answers `renewed`, so the guard sets the
 * cookie again. In steady state that costs one comparison per hit. An entry whose TTL has run
 * out stays until its re-check replaces it, so that knowledge survives a quiet spell.
 */
export function cachedSessionValidator(
  check: (token: string) => Promise<ValidatedSession>,
  options: SessionCacheOptions,
): SessionValidator {
  if (options.ttlMs <= 0) {
    return {
      validate: check,
      forget: () => undefined,
      end: (_token, remove) => remove(),
      endAllOf: (_userId, remove) => remove(),
      endedElsewhere: () => undefined,
      setEndsReach: () => undefined,
    };
  }
  const cache = createSessionCache(check, options);
  return {
    validate: (token) => validate(cache, token),
    forget: (token) => drop(cache, token),
    end: (token, remove) => cache.ends.run(tokenKey(token), remove, () => drop(cache, token)),
    endAllOf(userId, remove) {
      return cache.ends.run(userKey(userId), remove, () => dropMatching(cache, { userId }));
    },
    endedElsewhere(end) {
      cache.ends.mark("userId" in end ? userKey(end.userId) : sessionKey(end.sessionId));
      dropMatching(cache, end);
    },
    setEndsReach(reached) {
      const unreached = Math.min(options.ttlMs, options.unreachedTtlMs ?? UNREACHED_TTL_MS);
      cache.ttlMs = reached ? options.ttlMs : unreached;
      if (!reached) {
        // Cached before the loss was noticed, an entry may have missed an end meanwhile.
        cache.entries.clear();
      }
      // A check in flight may have been answered before an end this replica never heard of.
      cache.inFlight.clear();
    },
  };
}

/**
 * Drops the entries of one session (by the index) or of a user. A user's are found by a scan of
 * the cache: signing out everywhere is rare, and an index by user would cost on every check.
 */
function dropMatching(cache: SessionCache, end: SessionEnd): void {
  if ("sessionId" in end) {
    const token = cache.tokenOfId.get(end.sessionId);
    if (token !== undefined) {
      cache.entries.delete(token);
    }
    return;
  }
  const theirs: string[] = [];
  for (const [token, entry] of cache.entries.entries()) {
    if (entry.session.user?.id === end.userId) {
      theirs.push(token);
    }
  }
  for (const token of theirs) {
    cache.entries.delete(token);
  }
}

type Ask = (token: string) => Promise<ValidatedSession>;

/** One validator's state, which the functions below share. */
interface SessionCache {
  ttlMs: number;
  now: () => number;
  random: () => number;
  maxBackgroundChecks: number;
  /** Background refreshes running now. */
  backgroundChecks: number;
  entries: LRUCache<string, Entry>;
  /**
   * The cached token of each session id, for the ends other replicas publish by id: one lookup,
   * where a scan of 10,000 entries took about 1 ms (bench/investigations/shared-state).
   */
  tokenOfId: Map<string, string>;
  /** Concurrent requests with the same cookie share one check instead of each sending one. */
  inFlight: Map<string, Promise<ValidatedSession>>;
  ends: SessionEnds;
  /** How a request that waits asks identity. */
  check: Ask;
  /** How a background refresh asks identity. */
  refresh: Ask;
  onLookup: ((hit: boolean) => void) | undefined;
}

function createSessionCache(check: Ask, options: SessionCacheOptions): SessionCache {
  const now = options.now ?? Date.now;
  const tokenOfId = new Map<string, string>();
  // Kept beside the LRU: evicted, deleted or cleared, an entry leaves the index too.
  const unindex = (_entry: Entry, token: string, reason: string) => {
    const id = sessionIdOf(token);
    if (reason !== "set" && tokenOfId.get(id) === token) {
      tokenOfId.delete(id);
    }
  };
  return {
    ttlMs: options.ttlMs,
    now,
    random: options.random ?? cryptoFraction,
    maxBackgroundChecks: options.maxBackgroundChecks ?? MAX_BACKGROUND_CHECKS,
    backgroundChecks: 0,
    entries: boundedLru<string, Entry>(options.maxEntries, { dispose: unindex }),
    tokenOfId,
    inFlight: new Map(),
    ends: createSessionEnds({ now, max: options.maxEntries }),
    check,
    refresh: options.refresh ?? check,
    onLookup: options.onLookup,
  };
}

function validate(cache: SessionCache, token: string): Promise<ValidatedSession> {
  const hit = cache.entries.get(token);
  if (hit !== undefined) {
    const at = cache.now();
    if (hit.until > at) {
      cache.onLookup?.(true);
      refreshIfDue(cache, token, hit, at);
      return Promise.resolve(serveEntry(hit));
    }
  }
  cache.onLookup?.(false);
  const checking = cache.inFlight.get(token) ?? startCheck(cache, token, cache.check);
  return checking.then((answer) => fromEntry(cache, token, answer));
}

/** Forgets `token`, including a check in flight, whose answer then caches nothing. */
function drop(cache: SessionCache, token: string): void {
  cache.entries.delete(token);
  cache.inFlight.delete(token);
}

/** Asks identity about `token` once for everyone waiting, and caches what it answers. */
function startCheck(cache: SessionCache, token: string, ask: Ask): Promise<ValidatedSession> {
  const checkedAt = cache.now();
  const checking: Promise<ValidatedSession> = askIdentity(ask, token).then(
    (session) => {
      // Forgotten meanwhile (a logout raced this check): don't bring the session back.
      if (cache.inFlight.get(token) === checking) {
        cache.inFlight.delete(token);
        remember(cache, token, session, checkedAt);
      }
      return session;
    },
    (error: unknown) => {
      if (cache.inFlight.get(token) === checking) {
        cache.inFlight.delete(token);
        // A refused (or unanswered) refresh leaves nothing behind to serve. A check the gateway
        // shed (UPSTREAM_MAX_IN_FLIGHT) never asked identity: the entry stands, served no
        // longer than its TTL, and a busy identity is not sent every request of its session.
        if (!isServiceBusy(error)) {
          cache.entries.delete(token);
        }
      }
      throw error;
    },
  );
  cache.inFlight.set(token, checking);
  return checking;
}

// A check that throws instead of rejecting must not escape a request answered from the cache,
// nor leave a background slot taken for ever.
function askIdentity(ask: Ask, token: string): Promise<ValidatedSession> {
  try {
    return ask(token);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Refresh-ahead: a hit past its entry's refresh point starts a re-check, if a slot is free. */
function refreshIfDue(cache: SessionCache, token: string, hit: Entry, at: number): void {
  if (
    at >= hit.refreshAt &&
    cache.backgroundChecks < cache.maxBackgroundChecks &&
    !cache.inFlight.has(token)
  ) {
    // The caller is answered now; this request's own outcome does not depend on it.
    cache.backgroundChecks++;
    startCheck(cache, token, cache.refresh)
      .catch(() => undefined)
      .finally(() => cache.backgroundChecks--);
  }
}

/** Caches identity's answer for a check made at `checkedAt`, unless an end raced it. */
function remember(
  cache: SessionCache,
  token: string,
  session: ValidatedSession,
  checkedAt: number,
): void {
  const keys = [tokenKey(token), sessionKey(sessionIdOf(token)), userKey(session.user?.id ?? "")];
  const expires = session.sessionExpireTime?.getTime() ?? 0;
  const until = Math.min(checkedAt + cache.ttlMs, expires);
  if (cache.ends.overlaps(keys, checkedAt)) {
    // The end drops the entry when it finishes; until then the entry it found stays.
    return;
  }
  if (until <= cache.now()) {
    cache.entries.delete(token);
    return;
  }
  // Without an earlier entry, the cookie holds this expiry unless this answer just moved it.
  const cookieUntil = cache.entries.peek(token)?.cookieUntil ?? (session.renewed ? 0 : expires);
  const refreshAfter = cache.ttlMs * (REFRESH_FROM + REFRESH_SPREAD * cache.random());
  cache.tokenOfId.set(sessionIdOf(token), token);
  // `renewed` is the entry's to compute on each use, from `cookieUntil`.
  cache.entries.set(token, {
    answer: session,
    session: { ...session, renewed: false },
    expires,
    cookieUntil,
    until,
    refreshAt: checkedAt + refreshAfter,
  });
}

/** A request waiting for a check is answered from the entry that check made, if it made one. */
function fromEntry(cache: SessionCache, token: string, answer: ValidatedSession): ValidatedSession {
  const entry = cache.entries.peek(token);
  return entry?.answer === answer ? serveEntry(entry) : answer;
}
