import { Logger, type Provider } from "@nestjs/common";
import pg from "pg";

/** The injection token of the process's node-postgres pool. */
export const PG_POOL = Symbol("PG_POOL");

/**
 * A node-postgres Pool as a provider, as NestJS recipes show. An idle client whose connection
 * drops emits "error" on the pool; without a listener that would end the process.
 */
export function poolProvider(url: string, max: number): Provider {
  const logger = new Logger("pg");
  return {
    provide: PG_POOL,
    useFactory: (): pg.Pool => {
      const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000 });
      pool.on("error", (error) => logger.error(`idle client: ${error.message}`));
      return pool;
    },
  };
}
