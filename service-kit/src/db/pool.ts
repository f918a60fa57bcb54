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
  const sql = openSql(config.url, {
    max: config.poolMax,
    connectionTimeout: config.connectTimeoutSeconds,
    idleTimeout: config.idleTimeoutSeconds,
    // Recycled now and then, as postgres.js did by default (30-60 min): a connection does not
    // outlive a failover behind a DNS name, nor keep a backend's memory for days.
    maxLifetime: config.maxLifetimeSeconds ?? 0,
    connection: {
      application_name: options.name,
      statement_timeout: config.statementTimeoutMs,
    },
    // Every connection that closes or fails to open, with Bun's code (never the URL).
    onclose: (error) =>
      options.log.debug(
        { db_error: (error as { code?: unknown } | null)?.code },
        "postgres connection closed",
      ),
  });
  traceTransactions(sql, poolAttributes(config.url));
  if (options.meter) {
    observePool(sql, options.meter, options.name);
  }
  return sql;
}

/**
 * `new SQL(url, options)`, connecting to the database the URL names. Bun's client lets a
 * PGDATABASE in the environment override the URL's database (not its host, user or password):
 * a platform or a developer's shell that sets it would point the pool at another database.
 */
export function openSql(url: string, options: SQL.PostgresOrMySQLOptions = {}): Sql {
  return new SQL(url, { ...options, database: databaseOf(url) });
}

/** The database a postgres:// URL names, undefined when it names none (the server's default). */
function databaseOf(url: string): string | undefined {
  const path = URL.parse(url)?.pathname.replace(/^\//, "") ?? "";
  return path === "" ? undefined : decodeURIComponent(path);
}
