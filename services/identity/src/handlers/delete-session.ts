import type { DeleteSessionRequest, DeleteSessionResponse } from "@trellis/contracts/identity/v1";
import type { InternalUnary } from "@trellis/service-kit";
import type { Deps } from "../deps.ts";
import { parseSessionToken, secretMatches } from "../session-token.ts";

/**
 * Deletes the session a token names when its secret matches. Logout is idempotent, so any other
 * token answers OK too, and deletes nothing. Internal. Errors: none of its own.
 */
export function deleteSession({
  sessions,
}: Pick<Deps, "sessions">): InternalUnary<DeleteSessionRequest, DeleteSessionResponse> {
  return async (request, { signal }) => {
    const token = parseSessionToken(request.sessionToken);
    if (token === null) {
      return {};
    }
    // Knowing an id is not enough to end someone's session: the secret must match too.
    const found = await sessions.findWithUser(token.id, signal);
    if (found !== null && secretMatches(token.secret, found.session.secretHash)) {
      await sessions.delete(token.id, signal);
    }
    return {};
  };
}
