import { status } from "@trellis/service-kit";
import type { IdentityClient } from "../clients.ts";
import { isGrpcError } from "../errors.ts";
import type { AuditLog } from "./audit.ts";
import type { SessionValidator } from "./session-cache.ts";

export interface SignOutDeps {
  identity: Pick<IdentityClient, "deleteSession" | "deleteUserSessions">;
  sessions: SessionValidator;
  audit: AuditLog;
}

/**
 * Logout: identity deletes the session, then this gateway's cache forgets it; a check racing
 * the logout never caches it again (SessionValidator.end). The user is read first, for the
 * audit line, from the cache as any request would. Rejects when identity cannot be reached.
 */
export async function signOut(deps: SignOutDeps, token: string, request: Request): Promise<void> {
  const userId = await userIdOf(deps.sessions, token);
  await deps.sessions.end(token, () => deps.identity.deleteSession({ sessionToken: token }));
  if (userId !== null) {
    deps.audit.signedOut(request, { userId, token });
  }
}

/**
 * Sign out everywhere: every session of the user of `token` ends in identity, then every one
 * this gateway holds. False when `token` names no live session (the caller answers 401).
 */
export async function signOutEverywhere(
  deps: SignOutDeps,
  token: string,
  request: Request,
): Promise<boolean> {
  const userId = await userIdOf(deps.sessions, token);
  if (userId === null) {
    return false;
  }
  const { deletedCount } = await deps.sessions.endAllOf(userId, () =>
    deps.identity.deleteUserSessions({ userId }),
  );
  deps.audit.signedOutEverywhere(request, { userId, token, deletedCount });
  return true;
}

/** The user of `token`'s live session; null when identity refuses it; other failures reject. */
async function userIdOf(sessions: SessionValidator, token: string): Promise<string | null> {
  try {
    return (await sessions.validate(token)).user?.id ?? null;
  } catch (error) {
    if (isGrpcError(error) && error.code === status.UNAUTHENTICATED) {
      return null;
    }
    throw error;
  }
}
