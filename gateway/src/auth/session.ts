import type { User } from "@trellis/contracts/identity/v1";
import { status } from "@trellis/service-kit";
import { Elysia } from "elysia";
import { type GatewayConfig, isSecureOrigin } from "../config.ts";
import { isGrpcError, unauthorized } from "../errors.ts";
import { cookieNames, readCookie, type SetCookieHeaders, setCookie } from "./cookies.ts";
import type { SessionValidator } from "./session-cache.ts";

// Lucia-style tokens are two 24-character parts; anything far longer is not ours.
const MAX_TOKEN_LENGTH = 256;

/** The signed-in user and session token of a request, or a thrown 401. */
export type SessionResolver = (context: {
  request: Request;
  set: { headers: SetCookieHeaders };
}) => Promise<{ user: User; sessionToken: string }>;

/**
 * Resolves the signed-in user from the session cookie through identity.ValidateSession (or
 * its short-lived cache), or answers 401. When identity slid the expiry forward, the cookie is
 * set again to match.
 */
export function sessionGuard(deps: {
  sessions: SessionValidator;
  config: Pick<GatewayConfig, "appOrigin">;
}) {
  return new Elysia().resolve({ as: "scoped" }, sessionResolver(deps));
}

/** sessionGuard's check as a function, for routes that require a session only for some paths. */
export function sessionResolver(deps: {
  sessions: SessionValidator;
  config: Pick<GatewayConfig, "appOrigin">;
}): SessionResolver {
  const names = cookieNames(deps.config);
  const secure = isSecureOrigin(deps.config);
  return async ({ request, set }) => {
    const token = readCookie(request, names.session);
    if (token === null || token.length > MAX_TOKEN_LENGTH) {
      throw unauthorized();
    }
    const session = await deps.sessions.validate(token).catch((error: unknown) => {
      throw isGrpcError(error) && error.code === status.UNAUTHENTICATED ? unauthorized() : error;
    });
    if (session.user === undefined) {
      throw unauthorized();
    }
    if (session.renewed && session.sessionExpireTime !== undefined) {
      setCookie(set.headers, names.session, token, { expires: session.sessionExpireTime, secure });
    }
    return { user: session.user, sessionToken: token };
  };
}
