import type { ServiceConfig } from "../config/service-config.ts";
import { type Migration, migrate } from "../db/migrate.ts";
import type { Sql } from "../db/pool.ts";
import { type ServiceRegistration, startServiceHost } from "./grpc-server.ts";
import type { Logger } from "../log.ts";

export interface RunningService {
  port: number;
  /** Drains the server (see ServiceHost.shutdown), then closes the pool. */
  stop(): Promise<void>;
}

/**
 * The startup order every service follows: listen with health NOT_SERVING, apply migrations,
 * then report SERVING. Listening first lets orchestrators see a starting service as alive.
 */
export async function startService(options: {
  config: ServiceConfig;
  log: Logger;
  sql: Sql;
  migrations: Migration[];
  services: ServiceRegistration[];
}): Promise<RunningService> {
  const { config, log, sql } = options;
  const host = await startServiceHost({
    services: options.services,
    host: config.host,
    port: config.port,
    log,
    shutdownDelayMs: config.shutdownDelayMs,
    shutdownGraceMs: config.shutdownGraceMs,
  });
  try {
    await migrate(sql, options.migrations, log);
  } catch (error) {
    await host.shutdown();
    throw error;
  }
  host.markServing();
  log.info("serving");
  return {
    port: host.port,
    async stop() {
      await host.shutdown();
      await sql.end({ timeout: config.shutdownGraceMs / 1000 });
      log.info("stopped");
    },
  };
}
