import { Elysia } from "elysia";
import { sessionGuard } from "../auth/session.ts";
import type { SessionValidator } from "../auth/session-cache.ts";
import type { GatewayConfig } from "../config.ts";
import type { RateLimiter } from "../http/rate-limiter.ts";
import { busyJson, errorJson, rateLimitedJson, toUserJson, userJson } from "../http/rest-shapes.ts";
import { limitPerSession } from "../http/session-rate-limit.ts";

/** GET /api/me: the signed-in user, from the session check alone (cached, or one gRPC call). */
export function meRoutes(deps: {
  sessions: SessionValidator;
  config: Pick<GatewayConfig, "appOrigin">;
  sessionLimiter: RateLimiter;
}) {
  return new Elysia({ prefix: "/api" })
    .use(sessionGuard(deps))
    .onBeforeHandle(limitPerSession(deps.sessionLimiter))
    .get("/me", ({ user }) => toUserJson(user), {
      response: { 200: userJson, 401: errorJson, 429: rateLimitedJson, 503: busyJson },
      detail: { summary: "The signed-in user", tags: ["account"] },
    });
}
