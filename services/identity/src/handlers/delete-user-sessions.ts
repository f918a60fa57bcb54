import type {
  DeleteUserSessionsRequest,
  DeleteUserSessionsResponse,
} from "@trellis/contracts/identity/v1";
import { type InternalUnary, requireUuid } from "@trellis/service-kit";
import type { Deps } from "../deps.ts";

/**
 * Ends every session of a user: "sign out everywhere". The gateway calls it as itself for the
 * user of the session that asked, so the user comes from the request. Idempotent: no sessions
 * (or no such user) deletes nothing and answers 0. Internal. Errors: INVALID_ARGUMENT.
 */
export function deleteUserSessions({
  sessions,
}: Pick<Deps, "sessions">): InternalUnary<DeleteUserSessionsRequest, DeleteUserSessionsResponse> {
  return async (request, { signal }) => {
    const userId = requireUuid(request.userId, "user_id");
    const deletedCount = await sessions.deleteForUser(userId, signal);
    return { deletedCount };
  };
}
