import type {
  ValidateSessionRequest,
  ValidateSessionResponse,
} from "@trellis/contracts/identity/v1";
import type { InternalUnary } from "@trellis/service-kit";
import { invalidSession } from "../errors.ts";
import { parseSessionToken } from "../session-token.ts";
import { settleSession, type ValidationDeps } from "../session-validation.ts";

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
    const answer = await settleSession(sessions, found, token.secret, at, signal);
    if (answer === null) {
      throw invalidSession();
    }
    return answer;
  };
}
