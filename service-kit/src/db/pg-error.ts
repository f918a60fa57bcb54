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
 * Whether `error` is a postgres.js PostgresError, from any copy of postgres.js. Not
 * `instanceof`: the kit bundles its own patched copy, so a pool made by another (the test
 * harness's, a service's own) throws instances of another class with the same shape.
 */
export function isPostgresError(
  error: unknown,
): error is Error & { code: string; query?: unknown } {
  return (
    error instanceof Error &&
    error.name === "PostgresError" &&
    typeof (error as { code?: unknown }).code === "string"
  );
}
