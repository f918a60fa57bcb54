import type { Logger } from "@trellis/service-kit";
import { Elysia } from "elysia";
import type { OAuthProviders } from "./auth/oauth-provider.ts";
import { cachedSessionValidator, type SessionValidator } from "./auth/session-cache.ts";
import { batchedSessionCheck, refreshBatching } from "./auth/session-refresh.ts";
import { withSharedEnds } from "./auth/shared-session-ends.ts";
import { boundedIdentity, type Clients, IDENTITY_SERVICE } from "./clients.ts";
import type { GatewayConfig } from "./config.ts";
import { apiNoStore } from "./http/api-no-store.ts";
import { requestGuards } from "./http/guards.ts";
import { upstreamLimits } from "./http/in-flight-limit.ts";
import type { RateLimiter } from "./http/rate-limiter.ts";
import { requestContext } from "./http/request-context.ts";
import type { HealthProbe } from "./readiness.ts";
import type { RawClient } from "./rest/raw-clients.ts";
import type { RestApi } from "./rest/rest-api.ts";
import { authRoutes } from "./routes/auth.ts";
import { docsRoutes } from "./routes/docs.ts";
import { healthRoutes } from "./routes/health.ts";
import { meRoutes } from "./routes/me.ts";
import { openApiRoutes } from "./routes/openapi.ts";
import { restRoutes } from "./routes/rest.ts";
import { sessionRoutes } from "./routes/session.ts";
import { webRoutes } from "./routes/web.ts";
import type { SessionEndChannel } from "./shared-state/session-end-channel.ts";
import type { GatewayMetrics } from "./telemetry/metrics.ts";

export interface AppDeps extends Clients {
  config: GatewayConfig;
  providers: OAuthProviders;
  /** Per client address on /auth. */
  limiter: RateLimiter;
  /** Per signed-in session on /api. */
  sessionLimiter: RateLimiter;
  /** Per client address on the PUBLIC routes of REST_SERVICES. */
  publicLimiter: RateLimiter;
  probe: HealthProbe;
  log: Logger;
  /** The REST routes of the configured services (REST_SERVICES, notes among them). */
  rest: RestApi;
  /** Their clients, by full service name. */
  restClients: ReadonlyMap<string, RawClient>;
  /** How this replica hears of, and tells, the other replicas' session ends (SHARED_STATE_URL). */
  sessionEnds?: SessionEndChannel;
  /** What the gateway measures (requests, session cache); null or unset: metrics off. */
  metrics?: GatewayMetrics | null;
}

/** The gateway as an Elysia app. Starts nothing: main.ts listens, tests call `app.handle`. */
export function createApp(deps: AppDeps) {
  // Bun's own limit answers a bare, empty 413 before any hook runs. It is only the backstop, set
  // above ours, so that an oversized body meets the guards, which answer the JSON error.
  const backstopBodyBytes = deps.config.bodyLimitBytes + 1024 * 1024;
  // One bound per upstream service (UPSTREAM_MAX_IN_FLIGHT), identity's calls included.
  const limits = upstreamLimits(deps.config.upstreamMaxInFlight, deps.log);
  const bounded = {
    ...deps,
    identity: boundedIdentity(deps.identity, limits.of(IDENTITY_SERVICE)),
  };
  const sessions = withSharedEnds(sessionValidator(bounded), deps.sessionEnds);
  const routeDeps = { ...bounded, limits, sessions };
  // The web app comes last: its wildcard answers only what no API route does.
  return new Elysia({ serve: { maxRequestBodySize: backstopBodyBytes } })
    .use(requestContext(deps.log, deps.metrics ?? null))
    .use(requestGuards(deps.config))
    .use(apiNoStore())
    .use(openApiRoutes(deps.config, deps.rest))
    .use(docsRoutes())
    .use(healthRoutes(deps))
    .use(authRoutes(routeDeps))
    .use(meRoutes(routeDeps))
    .use(sessionRoutes(routeDeps))
    .use(restRoutes(routeDeps))
    .use(webRoutes(deps));
}

/** Identity's session checks behind the cache, its background re-checks batched. */
function sessionValidator(
  deps: Pick<AppDeps, "config" | "identity" | "metrics">,
): SessionValidator {
  const { sessionCacheTtlMs: ttlMs, sessionCacheMaxEntries: maxEntries } = deps.config;
  const batching = refreshBatching(ttlMs);
  return cachedSessionValidator((sessionToken) => deps.identity.validateSession({ sessionToken }), {
    ttlMs,
    maxEntries,
    refresh: batchedSessionCheck(deps.identity, batching),
    // Batched, a re-check costs a share of one call: allow four full batches in flight.
    maxBackgroundChecks: 4 * batching.maxBatch,
    ...(deps.metrics ? { onLookup: deps.metrics.sessionLookup } : {}),
  });
}

export type App = ReturnType<typeof createApp>;
