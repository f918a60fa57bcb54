import type { Meter } from "@opentelemetry/api";
import postgres from "postgres";
import type { DatabaseConfig } from "../config/service-config.ts";
import type { Logger } from "../log.ts";
import { observePool } from "../telemetry/pool-metrics.ts";
import { poolAttributes, traceTransactions } from "../telemetry/sql-span.ts";

export type Sql = postgres.Sql;
/** What `sql.begin` and `savepoint` pass their callback: for helpers that run in a transaction. */
export type TransactionSql = postgres.TransactionSql;

/**
 * Opens a postgres.js pool. Nothing connects until the first query. postgres.js queues
 * queries beyond `max` without a time limit, so run request-path queries through
 * `withSignal` to bound that wait by the call's deadline. Each `sql.begin` is a span holding
 * the spans of its queries. With a `meter`, the pool reports db.client.connection.count (used,
 * idle) and db.client.connection.pending_requests, named `name`.
 */
export function createPool(
  config: DatabaseConfig,
  options: { name: string; log: Logger; meter?: Meter | null },
): Sql {
  const sql = postgres(config.url, {
    max: config.poolMax,
    connect_timeout: config.connectTimeoutSeconds,
    idle_timeout: config.idleTimeoutSeconds,
    // postgres.js waits before reconnecting, 3^failures / 100 s up to 20 s by default: a few
    // refused connections into an outage, every query waited longer than its call's deadline
    // (a 504 after the full deadline, and as long again after Postgres was back). Capped at
    // 250 ms, a query fails "database unavailable" (503) at once and the pool is back within a
    // quarter second; a refused loopback connect costs about a millisecond.
    backoff: reconnectDelaySeconds,
    connection: {
      application_name: options.name,
      statement_timeout: config.statementTimeoutMs,
    },
    onnotice: (notice) => options.log.debug({ notice: notice.message }, "postgres notice"),
  });
  traceTransactions(sql, poolAttributes(config.url));
  if (options.meter) {
    observePool(sql, options.meter, options.name);
  }
  return sql;
}

/** Seconds before a pool connection tries again after `failures` failed attempts in a row. */
function reconnectDelaySeconds(failures: number): number {
  return Math.min(0.01 * 2 ** failures, 0.25);
}
