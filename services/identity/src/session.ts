/** A session as the service stores it: the secret itself is never kept. */
export interface SessionRecord {
  /** The first half of the token; not a secret on its own. */
  id: string;
  userId: string;
  /** SHA-256 of the token's secret half. */
  secretHash: Uint8Array;
  createdAt: Date;
  expiresAt: Date;
}

const day = 24 * 60 * 60 * 1000;

/** A new or renewed session lasts this long, unless its absolute lifetime ends sooner. */
export const sessionLifetimeMs = 30 * day;
/** A session validated with less than this left is renewed, so active users stay signed in. */
export const renewWithinMs = 15 * day;

/** The default absolute lifetime (SESSION_ABSOLUTE_LIFETIME_DAYS). */
export const defaultAbsoluteLifetimeMs = 90 * day;

/**
 * When a session created at `createdAt` and created or renewed at `now` expires: 30 days on,
 * but never later than `absoluteLifetimeMs` after its creation.
 */
export function expiryFrom(now: Date, createdAt: Date, absoluteLifetimeMs: number): Date {
  const cap = createdAt.getTime() + absoluteLifetimeMs;
  return new Date(Math.min(now.getTime() + sessionLifetimeMs, cap));
}

/**
 * When the session really ends: its stored expiry, or the end of its absolute lifetime when that
 * comes first (a session renewed before the cap existed, or before it was lowered).
 */
export function effectiveExpiry(
  session: Pick<SessionRecord, "createdAt" | "expiresAt">,
  absoluteLifetimeMs: number,
): Date {
  const cap = session.createdAt.getTime() + absoluteLifetimeMs;
  return cap < session.expiresAt.getTime() ? new Date(cap) : session.expiresAt;
}

/** True once the session's effective expiry has come. */
export function isExpired(
  session: Pick<SessionRecord, "createdAt" | "expiresAt">,
  now: Date,
  absoluteLifetimeMs: number,
): boolean {
  return now.getTime() >= effectiveExpiry(session, absoluteLifetimeMs).getTime();
}

/**
 * The expiry a validation at `now` gives the session: later than its effective one when less
 * than `renewWithinMs` of its life remains and its absolute lifetime leaves room, else null.
 */
export function renewedExpiry(
  session: Pick<SessionRecord, "createdAt" | "expiresAt">,
  now: Date,
  absoluteLifetimeMs: number,
): Date | null {
  const current = effectiveExpiry(session, absoluteLifetimeMs).getTime();
  if (current - now.getTime() >= renewWithinMs) {
    return null;
  }
  const next = expiryFrom(now, session.createdAt, absoluteLifetimeMs);
  // Near the cap the renewal would not move the expiry: no write, and no cookie to refresh.
  return next.getTime() > current ? next : null;
}
