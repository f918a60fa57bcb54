import { Elysia, t } from "elysia";
import { sessionResolver } from "../auth/session.ts";
import type { SessionValidator } from "../auth/session-cache.ts";
import type { GatewayConfig } from "../config.ts";
import { HttpError } from "../errors.ts";
import type { RateLimiter } from "../http/rate-limiter.ts";
import { busyJson, rateLimitedJson, toUserJson, userJson } from "../http/rest-shapes.ts";
import { limitPerSession } from "../http/session-rate-limit.ts";

const sessionJson = t.Object({ user: t.Nullable(userJson) });

/**
 * GET /api/session: whether this browser is signed in, and as whom. 200 either way, unlike
 * /api/me: the web app asks it first, so a signed-out visit goes to Sign in with no failed
 * request in the browser's console. Signed in, it counts against the session's quota as /api/me.
 */
export function sessionRoutes(deps: {
  sessions: SessionValidator;
  config: Pick<GatewayConfig, "appOrigin">;
  sessionLimiter: RateLimiter;
}) {
  const resolve = sessionResolver(deps);
  const limit = limitPerSession(deps.sessionLimiter);
  return new Elysia({ prefix: "/api" }).get(
    "/session",
    async ({ request, set }) => {
      const session = await resolve({ request, set }).catch((error: unknown) => {
        if (error instanceof HttpError && error.status === 401) {
          return null;
        }
        throw error;
      });
      if (session === null) {
        return { user: null };
      }
      await limit({ sessionToken: session.sessionToken, set });
      return { user: toUserJson(session.user) };
    },
    {
      response: { 200: sessionJson, 429: rateLimitedJson, 503: busyJson },
      detail: { summary: "Whether the browser is signed in, and as whom", tags: ["account"] },
    },
  );
}
