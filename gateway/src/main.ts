import type { Meter } from "@opentelemetry/api";
import { type Logger, runService } from "@trellis/service-kit";
import { type AppDeps, createApp } from "./app.ts";
import { createProviders } from "./auth/configured-providers.ts";
import { createClients } from "./clients.ts";
import { configWarnings, type GatewayConfig, loadConfig } from "./config.ts";
import { createHealthProbe } from "./health-probe.ts";
import { checkGatewayHealth } from "./healthcheck.ts";
import { createMemoryRateLimiter } from "./http/rate-limit-memory.ts";
import { createRawClients } from "./rest/raw-clients.ts";
import { loadRestApi } from "./rest/rest-api.ts";
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
  { meter }: { meter: Meter | null },
): Promise<{ stop(): Promise<void> }> {
  for (const warning of configWarnings(config)) {
    log.warn(warning);
  }
  // First: a REST_SERVICES mistake stops the start-up before any connection is opened.
  const rest = loadRestApi(config);
  const metrics = meter === null ? null : createGatewayMetrics(meter);
  const clients = createClients(config, meter);
  const restClients = createRawClients(rest, {
    timeoutMs: config.grpcTimeoutMs,
    callerKey: config.callerKey,
    implementation: config.grpcClient,
    meter,
  });
  const addresses = [config.identityAddress, ...rest.services.map((s) => s.address)];
  const probe = createHealthProbe([...new Set(addresses)], {
    timeoutMs: 1_000,
    implementation: config.grpcClient,
  });
  const app = createApp({
    ...clients,
    config,
    providers: createProviders(config),
    ...rateLimiters(config, metrics),
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
    },
  };
}

/**
 * One limiter for sign-in attempts per client address, one for API calls per session, and one
 * per client address for PUBLIC RPCs (API_RATE_LIMIT_PER_MINUTE, as a session gets).
 */
function rateLimiters(
  config: GatewayConfig,
  metrics: GatewayMetrics | null,
): Pick<AppDeps, "limiter" | "sessionLimiter" | "publicLimiter"> {
  return {
    limiter: countRefusals(
      createMemoryRateLimiter({
        name: "auth",
        limit: config.authRateLimitPerMinute,
        windowSeconds: 60,
      }),
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
