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

/** A new or renewed session lasts this long. */
export const sessionLifetimeMs = 30 * day;
/** A session validated with less than this left is renewed, so active users stay signed in. */
export const renewWithinMs = 15 * day;

/** When a session created or renewed at `now` expires. */
export function expiryFrom(now: Date): Date {
  return new Date(now.getTime() + sessionLifetimeMs);
}

export function isExpired(session: Pick<SessionRecord, "expiresAt">, now: Date): boolean {
  return now.getTime() >= session.expiresAt.getTime();
}

/** True when less than `renewWithinMs` of the session's life remains. */
export function needsRenewal(session: Pick<SessionRecord, "expiresAt">, now: Date): boolean {
  return session.expiresAt.getTime() - now.getTime() < renewWithinMs;
}
