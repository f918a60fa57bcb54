import { SQL } from "bun";

/** SQLSTATE codes repositories translate into domain errors. */
export const pgCodes = {
  uniqueViolation: "23505",
  foreignKeyViolation: "23503",
  checkViolation: "23514",
  queryCanceled: "57014",
} as const;

/** The SQLSTATE of an error the Postgres server sent, or null for anything else. */
export function pgErrorCode(error: unknown): string | null {
  return isPostgresError(error) && error.errno !== undefined ? error.errno : null;
}

/**
 * Whether `error` comes from Bun's Postgres client: one the server sent (its SQLSTATE in `errno`)
 * or one the client raised itself (`code` ERR_POSTGRES_..., no `errno`). The class is the
 * runtime's own, so every pool in a process, and a compiled binary, throws the same one.
 */
export function isPostgresError(error: unknown): error is SQL.PostgresError {
  return error instanceof SQL.PostgresError;
}

// SQLSTATEs that say the server is going away or not yet there: class 08 (connection exception),
// admin_shutdown (a fast shutdown ends every session), crash_shutdown, cannot_connect_now
// (starting up or shutting down).
const unavailableStates = new Set(["57P01", "57P02", "57P03"]);

// What Bun's client reports when the server is unreachable or the connection died, and what a
// socket reports under it.
const unreachableCodes = new Set([
  "ERR_POSTGRES_CONNECTION_REFUSED",
  "ERR_POSTGRES_CONNECTION_CLOSED",
  "ERR_POSTGRES_CONNECTION_FAILED",
  "ERR_POSTGRES_CONNECTION_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
]);

/**
 * Whether `error` says the database cannot be reached now (down, restarting, the connection cut)
 * rather than that the query is wrong: the call is then UNAVAILABLE, which a client may retry
 * (with its Idempotency-Key, for a create), instead of INTERNAL.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const sqlState = pgErrorCode(error);
  if (sqlState !== null) {
    return sqlState.startsWith("08") || unavailableStates.has(sqlState);
  }
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && unreachableCodes.has(code);
}

/**
 * What a log line or a span may keep of a Postgres error: the SQLSTATE and the names of what
 * failed. A server's message, detail, hint and context quote the values it was given ('invalid
 * input syntax for type uuid: "…"', 'Key (email)=(…) already exists'), so they are left out; an
 * error the client raised itself keeps its message, which holds none.
 */
export function redactedPostgresError(error: SQL.PostgresError): Record<string, string> {
  const kept: Record<string, string | undefined> = {
    type: "PostgresError",
    code: error.code,
    sqlState: error.errno,
    message: error.errno === undefined ? error.message : undefined,
    severity: error.severity,
    routine: error.routine,
    schema: error.schema,
    table: error.table,
    column: error.column,
    constraint: error.constraint,
    dataType: error.dataType,
  };
  return Object.fromEntries(
    Object.entries(kept).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
