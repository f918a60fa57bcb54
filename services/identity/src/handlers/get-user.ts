import type { GetUserRequest, GetUserResponse } from "@trellis/contracts/identity/v1";
import { requireUuid, type Unary } from "@trellis/service-kit";
import type { Deps } from "../deps.ts";
import { userNotFound } from "../errors.ts";
import { toUserMessage } from "../user.ts";

/**
 * Returns the calling user. Any other id answers as a missing user would: there is no user
 * directory yet. Errors: INVALID_ARGUMENT, NOT_FOUND.
 */
export function getUser({ users }: Pick<Deps, "users">): Unary<GetUserRequest, GetUserResponse> {
  return async (request, caller) => {
    const id = requireUuid(request.userId, "user_id");
    const user = id === caller.userId ? await users.findById(id, caller.signal) : null;
    if (user === null) {
      throw userNotFound(id);
    }
    return { user: toUserMessage(user) };
  };
}
