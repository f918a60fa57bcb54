import { IdentityServiceService } from "@trellis/contracts/identity/v1";
import {
  anonymous,
  type BindOptions,
  bindService,
  type ServiceRegistration,
} from "@trellis/service-kit";
import type { Deps } from "./deps.ts";
import { completeOAuthLogin } from "./handlers/complete-oauth-login.ts";
import { deleteSession } from "./handlers/delete-session.ts";
import { deleteUserSessions } from "./handlers/delete-user-sessions.ts";
import { getUser } from "./handlers/get-user.ts";
import { validateSession, validateSessions } from "./handlers/validate-session.ts";

/**
 * Binds each RPC of IdentityService to its handler. Starts nothing. The session RPCs are
 * anonymous: the gateway signs them as itself, since no user is known yet.
 */
export function createIdentityService(deps: Deps, options: BindOptions): ServiceRegistration {
  return {
    name: "trellis.identity.v1.IdentityService",
    definition: IdentityServiceService,
    implementation: bindService(
      IdentityServiceService,
      {
        completeOAuthLogin: anonymous(completeOAuthLogin(deps)),
        validateSession: anonymous(validateSession(deps)),
        validateSessions: anonymous(validateSessions(deps)),
        deleteSession: anonymous(deleteSession(deps)),
        deleteUserSessions: anonymous(deleteUserSessions(deps)),
        getUser: getUser(deps),
      },
      options,
    ),
  };
}
