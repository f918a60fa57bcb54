import { type Logger, runService, type Telemetry } from "@trellis/service-kit";
import { type AppDeps, createApp } from "./app.ts";
import { createProviders } from "./auth/configured-providers.ts";
import { createClients } from "./clients.ts";
import { configWarnings, type GatewayConfig, loadConfig } from "./config.ts";
import { createHealthProbe } from "./health-probe.ts";
import { checkGatewayHealth } from "./healthcheck.ts";
import { createMemoryRateLimiter } from "./http/rate-limit-memory.ts";
import { createSharedRateLimiter } from "./http/rate-limit-shared.ts";
import { createRawClients } from "./rest/raw-clients.ts";
import { loadRestApi } from "./rest/rest-api.ts";
import type { SharedState } from "./shared-state/redis-connections.ts";
import { redisSessionEndChannel } from "./shared-state/session-end-channel.ts";
import { createGatewayMetrics, type GatewayMetrics } from "./telemetry/metrics.ts";
import { countRefusals } from "./telemetry/metrics-rate-limit.ts";

// The composition root: the only place that opens connections and starts listening. The kit's
// runService starts telemetry and the logger, exits 1 on a crash and stops on SIGTERM/SIGINT, as
// it does for every service; `--healthcheck` asks /healthz instead of grpc.health.v1.
await runService({
  name: "gateway",
  loadConfig,
  healthcheck: (config) => checkGatewayHealth(config.port, { timeoutMs: 2_000 }),
  start: startGateway,
});

async function startGateway(
  config: GatewayConfig,
  log: Logger,
  { meter, addMetricProducer }: Pick<Telemetry, "meter" | "addMetricProducer">,
): Promise<{ stop(): Promise<void> }> {
  for (const warning of configWarnings(config)) {
    log.warn(warning);
  }
  // First: a REST_SERVICES mistake stops the start-up before any connection is opened.
  const rest = loadRestApi(config);
  const metrics = meter === null ? null : createGatewayMetrics(meter, addMetricProducer);
  const clients = createClients(config, meter);
  const restClients = createRawClients(rest, {
    timeoutMs: config.grpcTimeoutMs,
    callerKey: config.callerKey,
    implementation: config.grpcClient,
    meter,
  });
  const probe = healthProbe(config, rest);
  const shared = await connectShared(config, log);
  const app = createApp({
    ...clients,
    config,
    providers: createProviders(config),
    ...rateLimiters(config, shared?.state ?? null, metrics),
    sessionEnds: shared?.sessionEnds,
    probe,
    metrics,
    log,
    rest,
    restClients,
  }).listen({ hostname: config.host, port: config.port });
  log.info(
    { address: `http://${config.host}:${app.server?.port}`, app_origin: config.appOrigin },
    "gateway listening",
  );
  if (rest.services.length > 0) {
    log.info(
      { services: rest.services.map((s) => s.name), routes: rest.routes.length },
      "serving REST routes of configured services",
    );
  }
  return {
    async stop() {
      // Finish the requests in flight and close the gRPC channels; runService then sends the
      // last spans.
      await app.stop();
      clients.close();
      for (const client of restClients.values()) {
        client.close();
      }
      probe.close();
      shared?.close();
    },
  };
}

/**
 * The Redis the replicas share, when SHARED_STATE_URL names one; with none, each replica keeps
 * its own session cache and limits, as a single gateway does (README, "Replicas").
 */
async function connectShared(config: GatewayConfig, log: Logger) {
  if (config.sharedStateUrl === null) {
    return null;
  }
  // Loaded on demand: ioredis is the largest module graph a gateway without shared state would
  // otherwise evaluate at startup (bench/investigations/memory).
  const { connectSharedState } = await import("./shared-state/redis-connections.ts");
  const state = connectSharedState(config.sharedStateUrl, log);
  const sessionEnds = redisSessionEndChannel(state, log);
  return {
    state,
    sessionEnds,
    close() {
      sessionEnds.close();
      state.close();
    },
  };
}

/** /readyz's probe: identity and every REST service, each address once. */
function healthProbe(config: GatewayConfig, rest: ReturnType<typeof loadRestApi>) {
  const addresses = [config.identityAddress, ...rest.services.map((s) => s.address)];
  return createHealthProbe([...new Set(addresses)], {
    timeoutMs: 1_000,
    implementation: config.grpcClient,
  });
}

/**
 * One limiter for sign-in attempts per client address, one for API calls per session, and one
 * per client address for PUBLIC RPCs (API_RATE_LIMIT_PER_MINUTE, as a session gets). With shared
 * state, the sign-in limit counts across replicas; the other two stay per process (README).
 */
function rateLimiters(
  config: GatewayConfig,
  shared: SharedState | null,
  metrics: GatewayMetrics | null,
): Pick<AppDeps, "limiter" | "sessionLimiter" | "publicLimiter"> {
  const auth = createMemoryRateLimiter({
    name: "auth",
    limit: config.authRateLimitPerMinute,
    windowSeconds: 60,
  });
  return {
    limiter: countRefusals(
      shared === null ? auth : createSharedRateLimiter(shared.commands, auth),
      metrics,
    ),
    sessionLimiter: countRefusals(
      createMemoryRateLimiter({
        name: "session",
        limit: config.apiRateLimitPerMinute,
        windowSeconds: 60,
      }),
      metrics,
    ),
    publicLimiter: countRefusals(
      createMemoryRateLimiter({
        name: "public",
        limit: config.apiRateLimitPerMinute,
        windowSeconds: 60,
      }),
      metrics,
    ),
  };
}
