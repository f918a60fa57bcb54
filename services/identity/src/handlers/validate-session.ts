import type {
  SessionValidation,
  ValidateSessionRequest,
  ValidateSessionResponse,
  ValidateSessionsRequest,
  ValidateSessionsResponse,
} from "@trellis/contracts/identity/v1";
import { type InternalUnary, invalidArgument } from "@trellis/service-kit";
import type { SessionsRepo } from "../db/sessions.ts";
import type { Deps } from "../deps.ts";
import { invalidSession } from "../errors.ts";
import { effectiveExpiry, isExpired, renewedExpiry, type SessionRecord } from "../session.ts";
import { parseSessionToken, secretMatches } from "../session-token.ts";
import { toUserMessage, type UserRecord } from "../user.ts";

/** The most tokens one ValidateSessions call may carry. */
export const MAX_TOKENS_PER_CALL = 100;

/** What validation reads: the sessions, the clock and the absolute lifetime. */
type ValidationDeps = Pick<Deps, "sessions" | "now" | "sessionAbsoluteLifetimeMs">;

/**
 * Returns the user of a live session, renewing it for 30 days when less than 15 are left (never
 * past its absolute lifetime), and deletes it when it has expired or outlived that lifetime.
 * Internal. Errors: UNAUTHENTICATED, the same for every cause.
 */
export function validateSession({
  sessions,
  now,
  sessionAbsoluteLifetimeMs,
}: ValidationDeps): InternalUnary<ValidateSessionRequest, ValidateSessionResponse> {
  return async (request, { signal }) => {
    const token = parseSessionToken(request.sessionToken);
    if (token === null) {
      throw invalidSession();
    }
    const found = await sessions.findWithUser(token.id, signal);
    const at = { now: now(), absoluteLifetimeMs: sessionAbsoluteLifetimeMs };
    const answer = await settle(sessions, found, token.secret, at, signal);
    if (answer === null) {
      throw invalidSession();
    }
    return answer;
  };
}

/**
 * ValidateSession for up to 100 tokens, with one query for all of them: a token that does not
 * name a live session gets a result without a user. Internal. Errors: INVALID_ARGUMENT.
 */
export function validateSessions({
  sessions,
  now,
  sessionAbsoluteLifetimeMs,
}: ValidationDeps): InternalUnary<ValidateSessionsRequest, ValidateSessionsResponse> {
  return async (request, { signal }) => {
    const count = request.sessionTokens.length;
    if (count > MAX_TOKENS_PER_CALL) {
      throw invalidArgument(`session_tokens: at most ${MAX_TOKENS_PER_CALL} tokens (got ${count})`);
    }
    const tokens = request.sessionTokens.map(parseSessionToken);
    const ids = [...new Set(tokens.flatMap((token) => (token === null ? [] : [token.id])))];
    const found = await sessions.findManyWithUser(ids, signal);
    const at = { now: now(), absoluteLifetimeMs: sessionAbsoluteLifetimeMs };
    const results = await Promise.all(
      tokens.map(async (token): Promise<SessionValidation> => {
        const answer =
          token === null
            ? null
            : await settle(sessions, found.get(token.id) ?? null, token.secret, at, signal);
        return answer ?? { user: undefined, sessionExpireTime: undefined, renewed: false };
      }),
    );
    return { results };
  };
}

/**
 * The answer for a session looked up by a token's id: null unless the secret matches and the
 * session is live. Deletes an expired session and renews one in its second half of life.
 */
async function settle(
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
