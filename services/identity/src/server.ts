import { IdentityServiceService } from "@trellis/contracts/identity/v1";
import {
  type BindOptions,
  bindService,
  internal,
  type ServiceRegistration,
} from "@trellis/service-kit";
import type { Deps } from "./deps.ts";
import { completeOAuthLogin } from "./handlers/complete-oauth-login.ts";
import { deleteSession } from "./handlers/delete-session.ts";
import { deleteUserSessions } from "./handlers/delete-user-sessions.ts";
import { getUser } from "./handlers/get-user.ts";
import { validateSession } from "./handlers/validate-session.ts";
import { validateSessions } from "./handlers/validate-sessions.ts";

/**
 * Binds each RPC of IdentityService to its handler. Starts nothing. The login and session RPCs
 * are internal: only the gateway calls them, as itself (no user is known yet), and a token
 * naming a user is refused there, so no user's call, and no other service, can reach them.
 */
export function createIdentityService(deps: Deps, options: BindOptions): ServiceRegistration {
  return {
    name: "trellis.identity.v1.IdentityService",
    definition: IdentityServiceService,
    implementation: bindService(
      IdentityServiceService,
      {
        completeOAuthLogin: internal(completeOAuthLogin(deps)),
        validateSession: internal(validateSession(deps)),
        validateSessions: internal(validateSessions(deps)),
        deleteSession: internal(deleteSession(deps)),
        deleteUserSessions: internal(deleteUserSessions(deps)),
        getUser: getUser(deps),
      },
      options,
    ),
  };
}
