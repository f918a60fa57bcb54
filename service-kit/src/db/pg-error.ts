import postgres from "postgres";

/** SQLSTATE codes repositories translate into domain errors. */
export const pgCodes = {
  uniqueViolation: "23505",
  foreignKeyViolation: "23503",
  checkViolation: "23514",
  queryCanceled: "57014",
} as const;

/** The SQLSTATE of a Postgres error, or null for anything else. */
export function pgErrorCode(error: unknown): string | null {
  return error instanceof postgres.PostgresError ? error.code : null;
}
