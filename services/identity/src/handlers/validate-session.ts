import type {
  ValidateSessionRequest,
  ValidateSessionResponse,
} from "@trellis/contracts/identity/v1";
import type { AnonymousUnary } from "@trellis/service-kit";
import type { Deps } from "../deps.ts";
import { invalidSession } from "../errors.ts";
import { expiryFrom, isExpired, needsRenewal } from "../session.ts";
import { parseSessionToken, secretMatches } from "../session-token.ts";
import { toUserMessage } from "../user.ts";

/**
 * Returns the user of a live session, renewing it for 30 days when less than 15 are left, and
 * deletes it when it has expired. Anonymous. Errors: UNAUTHENTICATED, the same for every cause.
 */
export function validateSession({
  sessions,
  now,
}: Pick<Deps, "sessions" | "now">): AnonymousUnary<
  ValidateSessionRequest,
  ValidateSessionResponse
> {
  return async (request, { signal }) => {
    const token = parseSessionToken(request.sessionToken);
    if (token === null) {
      throw invalidSession();
    }
    const found = await sessions.findWithUser(token.id, signal);
    if (found === null || !secretMatches(token.secret, found.session.secretHash)) {
      throw invalidSession();
    }
    const { session, user } = found;
    const at = now();
    if (isExpired(session, at)) {
      await sessions.delete(session.id, signal);
      throw invalidSession();
    }
    const renewed = needsRenewal(session, at);
    const expiresAt = renewed ? expiryFrom(at) : session.expiresAt;
    if (renewed) {
      await sessions.setExpiry(session.id, expiresAt, signal);
    }
    return { user: toUserMessage(user), sessionExpireTime: expiresAt, renewed };
  };
}
