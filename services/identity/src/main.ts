import { join } from "node:path";
import {
  ConfigError,
  checkHealth,
  createLogger,
  createPool,
  onShutdownSignal,
  readMigrations,
  type ServiceConfig,
  startService,
  startTelemetry,
} from "@trellis/service-kit";
import { loadConfig } from "./config.ts";
import { createSessionsRepo } from "./db/sessions.ts";
import { createUsersRepo } from "./db/users.ts";
import type { Deps } from "./deps.ts";
import { createIdentityService } from "./server.ts";
import { startSessionCleanup } from "./session-cleanup.ts";
import { newSessionToken } from "./session-token.ts";

const name = "identity";

async function main(config: ServiceConfig): Promise<void> {
  // First, so that everything after it is traced (OTEL_* variables; see service-kit's README).
  const telemetry = await startTelemetry({ serviceName: name });
  const log = createLogger({ service: name, level: config.logLevel });
  const sql = createPool(config.database, { name, log });
  const deps: Deps = {
    users: createUsersRepo(sql),
    sessions: createSessionsRepo(sql),
    newId: () => Bun.randomUUIDv7(),
    now: () => new Date(),
    newSessionToken,
  };
  const service = await startService({
    config,
    log,
    sql,
    migrations: await readMigrations(
      config.migrationsDir ?? join(import.meta.dir, "../migrations"),
    ),
    services: [createIdentityService(deps, { log, callerSecret: config.callerSecret })],
  });
  const cleanup = startSessionCleanup(deps, { everyMs: 60 * 60 * 1000, timeoutMs: 60_000, log });
  onShutdownSignal(async (signal) => {
    log.info({ signal }, "shutdown requested");
    cleanup.stop();
    await service.stop();
    // Last, to send the spans of the calls the drain let finish.
    await telemetry.shutdown();
    process.exit(0);
  });
}

/** `identity --healthcheck`: exit 0 when the local server reports SERVING (container HEALTHCHECK). */
async function healthcheck(config: ServiceConfig): Promise<void> {
  const state = await checkHealth(`127.0.0.1:${config.port}`, { timeoutMs: 2_000 }).catch(
    () => "UNREACHABLE",
  );
  console.log(state);
  process.exit(state === "SERVING" ? 0 : 1);
}

try {
  const config = loadConfig(process.env);
  await (process.argv.includes("--healthcheck") ? healthcheck(config) : main(config));
} catch (error) {
  console.error(`${name}: ${error instanceof ConfigError ? error.message : "failed to start"}`);
  if (!(error instanceof ConfigError)) {
    console.error(error);
  }
  process.exit(1);
}
