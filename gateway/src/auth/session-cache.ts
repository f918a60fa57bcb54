import type { ValidateSessionResponse } from "@trellis/contracts/identity/v1";
import { LRUCache } from "lru-cache";
import { createSessionEnds, tokenKey, userKey } from "./session-ends.ts";

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
}

/** Refresh-ahead falls between these fractions of the TTL after the check, spread at random. */
const REFRESH_FROM = 0.5;
const REFRESH_SPREAD = 0.4;
const MAX_BACKGROUND_CHECKS = 16;

/**
 * Every authenticated request checks its session; asking identity each time makes that check
 * the costliest part of the hot path. Validated sessions are kept for `ttlMs`, so a session
 * deleted elsewhere (another gateway's logout, identity's expiry sweep) is still accepted here
 * for at most `ttlMs`; a logout through this gateway calls `forget` and takes effect at once.
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
    };
  }
  const now = options.now ?? Date.now;
  const random = options.random ?? randomFraction;
  const maxBackgroundChecks = options.maxBackgroundChecks ?? MAX_BACKGROUND_CHECKS;
  let backgroundChecks = 0;
  const cache = new LRUCache<string, Entry>({ max: options.maxEntries });
  // Concurrent requests with the same cookie share one check instead of each sending one.
  const inFlight = new Map<string, Promise<ValidatedSession>>();
  const ends = createSessionEnds({ now, max: options.maxEntries });

  const remember = (token: string, session: ValidatedSession, checkedAt: number): void => {
    const keys = [tokenKey(token), userKey(session.user?.id ?? "")];
    const expires = session.sessionExpireTime?.getTime() ?? 0;
    const until = Math.min(checkedAt + options.ttlMs, expires);
    if (ends.overlaps(keys, checkedAt)) {
      // The end drops the entry when it finishes; until then the entry it found stays.
      return;
    }
    if (until <= now()) {
      cache.delete(token);
      return;
    }
    // Without an earlier entry, the cookie holds this expiry unless this answer just moved it.
    const cookieUntil = cache.peek(token)?.cookieUntil ?? (session.renewed ? 0 : expires);
    const refreshAfter = options.ttlMs * (REFRESH_FROM + REFRESH_SPREAD * random());
    // `renewed` is the entry's to compute on each use, from `cookieUntil`.
    cache.set(token, {
      answer: session,
      session: { ...session, renewed: false },
      expires,
      cookieUntil,
      until,
      refreshAt: checkedAt + refreshAfter,
    });
  };

  // A check that throws instead of rejecting must not escape a request answered from the cache,
  // nor leave a background slot taken for ever.
  const askIdentity = (
    ask: (token: string) => Promise<ValidatedSession>,
    token: string,
  ): Promise<ValidatedSession> => {
    try {
      return ask(token);
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const refresh = options.refresh ?? check;

  const startCheck = (
    token: string,
    ask: (token: string) => Promise<ValidatedSession>,
  ): Promise<ValidatedSession> => {
    const checkedAt = now();
    const checking: Promise<ValidatedSession> = askIdentity(ask, token).then(
      (session) => {
        // Forgotten meanwhile (a logout raced this check): don't bring the session back.
        if (inFlight.get(token) === checking) {
          inFlight.delete(token);
          remember(token, session, checkedAt);
        }
        return session;
      },
      (error: unknown) => {
        if (inFlight.get(token) === checking) {
          inFlight.delete(token);
          // A refused (or unanswered) refresh leaves nothing behind to serve.
          cache.delete(token);
        }
        throw error;
      },
    );
    inFlight.set(token, checking);
    return checking;
  };

  const refreshIfDue = (token: string, hit: Entry, at: number): void => {
    if (at >= hit.refreshAt && backgroundChecks < maxBackgroundChecks && !inFlight.has(token)) {
      // The caller is answered now; this request's own outcome does not depend on it.
      backgroundChecks++;
      startCheck(token, refresh)
        .catch(() => undefined)
        .finally(() => backgroundChecks--);
    }
  };

  // A request waiting for a check is answered from the entry that check made, if it made one.
  const fromEntry = (token: string, answer: ValidatedSession): ValidatedSession => {
    const entry = cache.peek(token);
    return entry?.answer === answer ? use(entry) : answer;
  };

  return {
    validate(token) {
      const hit = cache.get(token);
      if (hit !== undefined) {
        const at = now();
        if (hit.until > at) {
          refreshIfDue(token, hit, at);
          return Promise.resolve(use(hit));
        }
      }
      const checking = inFlight.get(token) ?? startCheck(token, check);
      return checking.then((answer) => fromEntry(token, answer));
    },
    forget(token) {
      cache.delete(token);
      inFlight.delete(token);
    },
    end(token, remove) {
      return ends.run(tokenKey(token), remove, () => {
        cache.delete(token);
        inFlight.delete(token);
      });
    },
    endAllOf(userId, remove) {
      return ends.run(userKey(userId), remove, () => {
        const theirs = [...cache.entries()].filter(([, e]) => e.session.user?.id === userId);
        for (const [token] of theirs) {
          cache.delete(token);
        }
      });
    },
  };
}

/** A cached check. */
interface Entry {
  /** Identity's answer as it came, to know which check made this entry. */
  answer: ValidatedSession;
  /** The answer as reused: `renewed` false. */
  session: ValidatedSession;
  /** The session's expiry, ms. */
  expires: number;
  /** The expiry the browser's cookie was last set to (0 when it must be set). */
  cookieUntil: number;
  /** Served until then (the TTL, or the session's expiry when sooner). */
  until: number;
  /** A request after this starts a background re-check. */
  refreshAt: number;
}

/** The session as one request gets it: `renewed` the first time after the expiry moved. */
function use(entry: Entry): ValidatedSession {
  if (entry.expires <= entry.cookieUntil) {
    return entry.session;
  }
  // This request's guard sets the cookie; the next ones need not.
  entry.cookieUntil = entry.expires;
  return { ...entry.session, renewed: true };
}

/** Uniform in [0, 1), from the platform's CSPRNG, like everything random in session code. */
function randomFraction(): number {
  return (crypto.getRandomValues(new Uint32Array(1))[0] ?? 0) / 2 ** 32;
}
