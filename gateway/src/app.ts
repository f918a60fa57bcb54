import { openapi } from "@elysiajs/openapi";
import type { Logger } from "@trellis/service-kit";
import { Elysia } from "elysia";
import type { OAuthProviders } from "./auth/oauth-provider.ts";
import { cachedSessionValidator } from "./auth/session-cache.ts";
import { batchedSessionCheck, refreshBatching } from "./auth/session-refresh.ts";
import type { Clients } from "./clients.ts";
import { type GatewayConfig, isSecureOrigin } from "./config.ts";
import { apiNoStore } from "./http/api-no-store.ts";
import { requestGuards } from "./http/guards.ts";
import type { RateLimiter } from "./http/rate-limiter.ts";
import { requestContext } from "./http/request-context.ts";
import type { HealthProbe } from "./readiness.ts";
import { authRoutes } from "./routes/auth.ts";
import { docsRoutes } from "./routes/docs.ts";
import { healthRoutes } from "./routes/health.ts";
import { meRoutes } from "./routes/me.ts";
import { notesRoutes } from "./routes/notes.ts";
import { webRoutes } from "./routes/web.ts";

export interface AppDeps extends Clients {
  config: GatewayConfig;
  providers: OAuthProviders;
  /** Per client address on /auth. */
  limiter: RateLimiter;
  /** Per signed-in session on /api. */
  sessionLimiter: RateLimiter;
  probe: HealthProbe;
  log: Logger;
}

/** The gateway as an Elysia app. Starts nothing: main.ts listens, tests call `app.handle`. */
export function createApp(deps: AppDeps) {
  // Bun's own limit answers a bare, empty 413 before any hook runs. It is only the backstop, set
  // above ours, so that an oversized body meets the guards, which answer the JSON error.
  const backstopBodyBytes = deps.config.bodyLimitBytes + 1024 * 1024;
  const { sessionCacheTtlMs: ttlMs, sessionCacheMaxEntries: maxEntries } = deps.config;
  const batching = refreshBatching(ttlMs);
  const sessions = cachedSessionValidator(
    (sessionToken) => deps.identity.validateSession({ sessionToken }),
    {
      ttlMs,
      maxEntries,
      refresh: batchedSessionCheck(deps.identity, batching),
      // Batched, a re-check costs a share of one call: allow four full batches in flight.
      maxBackgroundChecks: 4 * batching.maxBatch,
    },
  );
  const routeDeps = { ...deps, sessions };
  // The web app comes last: its wildcard answers only what no API route does.
  return new Elysia({ serve: { maxRequestBodySize: backstopBodyBytes } })
    .use(requestContext(deps.log))
    .use(requestGuards(deps.config))
    .use(apiNoStore())
    .use(
      openapi({
        // The reference UI is ours (routes/docs.ts): the plugin's loads its script from a CDN.
        provider: null,
        path: "/docs",
        specPath: "/openapi.json",
        exclude: { paths: ["/docs", "/openapi.json"] },
        documentation: {
          info: {
            title: "Trellis API",
            version: "0.1.0",
            description:
              "Sign in at /auth/{provider}/login; the session cookie then authorizes /api. " +
              "Unsafe methods must come from the app's own origin (Sec-Fetch-Site or Origin).",
          },
          components: {
            securitySchemes: {
              session: {
                type: "apiKey",
                in: "cookie",
                name: isSecureOrigin(deps.config) ? "__Host-session" : "session",
              },
            },
          },
          security: [{ session: [] }],
        },
      }),
    )
    .use(docsRoutes())
    .use(healthRoutes(deps))
    .use(authRoutes(routeDeps))
    .use(meRoutes(routeDeps))
    .use(notesRoutes(routeDeps))
    .use(webRoutes(deps));
}

export type App = ReturnType<typeof createApp>;
