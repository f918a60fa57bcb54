import type { ValidateSessionResponse } from "@trellis/contracts/identity/v1";
import type { SessionsRepo } from "./db/sessions.ts";
import type { Deps } from "./deps.ts";
import { effectiveExpiry, isExpired, renewedExpiry, type SessionRecord } from "./session.ts";
import { secretMatches } from "./session-token.ts";
import { toUserMessage, type UserRecord } from "./user.ts";

/** What validation reads: the sessions, the clock and the absolute lifetime. */
export type ValidationDeps = Pick<Deps, "sessions" | "now" | "sessionAbsoluteLifetimeMs">;

/**
 * The answer for a session looked up by a token's id: null unless the secret matches and the
 * session is live. Deletes an expired session and renews one in its second half of life.
 */
export async function settleSession(
  sessions: SessionsRepo,
  found: { session: SessionRecord; user: UserRecord } | null,
  secret: string,
  at: { now: Date; absoluteLifetimeMs: number },
  signal: AbortSignal,
): Promise<ValidateSessionResponse | null> {
  if (found === null || !secretMatches(secret, found.session.secretHash)) {
    return null;
  }
  const { session, user } = found;
  if (isExpired(session, at.now, at.absoluteLifetimeMs)) {
    await sessions.delete(session.id, signal);
    return null;
  }
  const renewal = renewedExpiry(session, at.now, at.absoluteLifetimeMs);
  if (renewal !== null) {
    await sessions.setExpiry(session.id, renewal, signal);
  }
  return {
    user: toUserMessage(user),
    sessionExpireTime: renewal ?? effectiveExpiry(session, at.absoluteLifetimeMs),
    renewed: renewal !== null,
  };
}
