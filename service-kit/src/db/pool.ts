import type { Meter } from "@opentelemetry/api";
import { SQL, type TransactionSQL } from "bun";
import type { DatabaseConfig } from "../config/service-config.ts";
import type { Logger } from "../log.ts";
import { observePool } from "../telemetry/pool-metrics.ts";
import { poolAttributes, traceTransactions } from "../telemetry/sql-span.ts";

/** A pool of Postgres connections: Bun's built-in `SQL` client. */
export type Sql = SQL;
/** What `sql.begin` and `savepoint` pass their callback: for helpers that run in a transaction. */
export type TransactionSql = TransactionSQL;

/**
 * Opens a pool on Bun's built-in `SQL` client. Nothing connects until the first query. Queries
 * beyond `max` connections wait (queued, or pipelined behind a running one) without a time
 * limit, so run request-path queries through `withSignal` to bound that wait by the call's
 * deadline. A refused connection fails the query at once: there is no reconnect backoff to wait
 * out. Each `sql.begin` is a span holding the spans of its queries. With a `meter`, the pool
 * reports db.client.connection.count (used, idle) and db.client.connection.pending_requests,
 * named `name`.
 */
export function createPool(
  config: DatabaseConfig,
  options: { name: string; log: Logger; meter?: Meter | null },
): Sql {
  const sql = new SQL(config.url, {
    max: config.poolMax,
    connectionTimeout: config.connectTimeoutSeconds,
    idleTimeout: config.idleTimeoutSeconds,
    connection: {
      application_name: options.name,
      statement_timeout: config.statementTimeoutMs,
    },
  });
  traceTransactions(sql, poolAttributes(config.url));
  if (options.meter) {
    observePool(sql, options.meter, options.name);
  }
  return sql;
}
