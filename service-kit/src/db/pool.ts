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
