import type { Meter } from "@opentelemetry/api";
import type { ServiceConfig } from "../config/service-config.ts";
import { type Migration, migrate } from "../db/migrate.ts";
import type { Sql } from "../db/pool.ts";
import type { Logger } from "../log.ts";
import { type ServiceRegistration, startGrpcServer } from "./grpc-server.ts";

export interface RunningServer {
  port: number;
  /** Drains the server (see GrpcServer.shutdown), then closes the pool. */
  stop(): Promise<void>;
}

/**
 * The startup order every service follows: listen with health NOT_SERVING, apply migrations,
 * then report SERVING. Listening first lets orchestrators see a starting service as alive.
 */
export async function startServer(options: {
  config: ServiceConfig;
  log: Logger;
  sql: Sql;
  migrations: Migration[];
  services: ServiceRegistration[];
  /** runService's meter: rpc.server.call.duration of every call; null or unset: metrics off. */
  meter?: Meter | null;
}): Promise<RunningServer> {
  const { config, log, sql } = options;
  const server = await startGrpcServer({
    services: options.services,
    host: config.host,
    port: config.port,
    log,
    shutdownDelayMs: config.shutdownDelayMs,
    shutdownGraceMs: config.shutdownGraceMs,
    maxConnectionAgeMs: config.maxConnectionAgeMs,
    maxConnectionAgeGraceMs: config.maxConnectionAgeGraceMs,
    maxConnections: config.maxConnections,
    meter: options.meter ?? null,
  });
  try {
    await migrate(sql, options.migrations, log);
  } catch (error) {
    await server.shutdown();
    throw error;
  }
  server.markServing();
  log.info("serving");
  return {
    port: server.port,
    async stop() {
      await server.shutdown();
      await sql.close({ timeout: config.shutdownGraceMs / 1000 });
      log.info("stopped");
    },
  };
}
