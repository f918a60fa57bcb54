/** SQLSTATE codes repositories translate into domain errors. */
export const pgCodes = {
  uniqueViolation: "23505",
  foreignKeyViolation: "23503",
  checkViolation: "23514",
  queryCanceled: "57014",
} as const;

/** The SQLSTATE of a Postgres error, or null for anything else. */
export function pgErrorCode(error: unknown): string | null {
  return isPostgresError(error) ? error.code : null;
}

/**
 * Whether `error` is a postgres.js PostgresError (an error the server sent), from any copy of
 * postgres.js. By its shape: not `instanceof`, since the kit bundles its own patched copy and a
 * pool made by another (the test harness's, a service's own) throws another class; and not by
 * `name`, which postgres.js takes from its class name, which a minified binary renames ("ic").
 */
export function isPostgresError(
  error: unknown,
): error is Error & { code: string; query?: unknown } {
  if (!(error instanceof Error)) {
    return false;
  }
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && typeof severity === "string";
}

// SQLSTATEs that say the server is going away or not yet there: class 08 (connection exception),
// admin_shutdown (a fast shutdown ends every session), crash_shutdown, cannot_connect_now
// (starting up or shutting down).
const unavailableStates = new Set(["57P01", "57P02", "57P03"]);

// What the socket or postgres.js reports when the server is unreachable or the connection died.
const unreachableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

/**
 * Whether `error` says the database cannot be reached now (down, restarting, the connection cut)
 * rather than that the query is wrong: the call is then UNAVAILABLE, which a client may retry
 * (with its Idempotency-Key, for a create), instead of INTERNAL.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (isPostgresError(error)) {
    return error.code.startsWith("08") || unavailableStates.has(error.code);
  }
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && unreachableCodes.has(code);
}
