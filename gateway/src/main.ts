import {
  ConfigError,
  createLogger,
  exitOnCrash,
  onShutdownSignal,
  startTelemetry,
} from "@trellis/service-kit";
import { createApp } from "./app.ts";
import { createProviders } from "./auth/configured-providers.ts";
import { createClients } from "./clients.ts";
import { configWarnings, type GatewayConfig, loadConfig } from "./config.ts";
import { createHealthProbe } from "./health-probe.ts";
import { checkGatewayHealth } from "./healthcheck.ts";
import { createMemoryRateLimiter } from "./http/rate-limit-memory.ts";

const name = "gateway";

async function main(config: GatewayConfig): Promise<void> {
  // First, so that everything after it is traced (OTEL_* variables; see service-kit's README).
  const telemetry = await startTelemetry({ serviceName: name });
  const log = createLogger({ service: name, level: config.logLevel });
  for (const warning of configWarnings(config)) {
    log.warn(warning);
  }
  // An unhandled rejection or uncaught exception: one fatal line, then exit 1.
  exitOnCrash(log);
  const clients = createClients(config);
  const probe = createHealthProbe([config.identityAddress, config.notesAddress], {
    timeoutMs: 1_000,
  });
  const app = createApp({
    ...clients,
    config,
    providers: createProviders(config),
    limiter: createMemoryRateLimiter({
      name: "auth",
      limit: config.authRateLimitPerMinute,
      windowSeconds: 60,
    }),
    sessionLimiter: createMemoryRateLimiter({
      name: "session",
      limit: config.apiRateLimitPerMinute,
      windowSeconds: 60,
    }),
    probe,
    log,
  }).listen({ hostname: config.host, port: config.port });
  log.info(
    { address: `http://${config.host}:${app.server?.port}`, app_origin: config.appOrigin },
    "gateway listening",
  );
  onShutdownSignal(async (signal) => {
    log.info({ signal }, "shutdown requested");
    // Finish the requests in flight, close the gRPC channels, then send the last spans.
    await app.stop();
    clients.close();
    probe.close();
    await telemetry.shutdown();
    process.exit(0);
  });
}

/** `gateway --healthcheck`: exit 0 when the local gateway's /healthz answers 200, else 1. */
async function healthcheck(config: GatewayConfig): Promise<never> {
  const { healthy, answer } = await checkGatewayHealth(config.port, { timeoutMs: 2_000 });
  console.log(answer);
  process.exit(healthy ? 0 : 1);
}

try {
  const config = loadConfig(process.env);
  await (process.argv.includes("--healthcheck") ? healthcheck(config) : main(config));
} catch (error) {
  console.error(`gateway: ${error instanceof ConfigError ? error.message : "failed to start"}`);
  if (!(error instanceof ConfigError)) {
    console.error(error);
  }
  process.exit(1);
}
