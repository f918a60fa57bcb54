import type {
  SessionValidation,
  ValidateSessionsRequest,
  ValidateSessionsResponse,
} from "@trellis/contracts/identity/v1";
import { type InternalUnary, invalidArgument } from "@trellis/service-kit";
import { parseSessionToken } from "../session-token.ts";
import { settleSession, type ValidationDeps } from "../session-validation.ts";

/** The most tokens one ValidateSessions call may carry. */
export const MAX_TOKENS_PER_CALL = 100;

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
            : await settleSession(sessions, found.get(token.id) ?? null, token.secret, at, signal);
        return answer ?? { user: undefined, sessionExpireTime: undefined, renewed: false };
      }),
    );
    return { results };
  };
}
