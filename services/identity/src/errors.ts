import { type AppError, notFound, unauthenticated } from "@trellis/service-kit";

// The kit's AppError and its one table to gRPC statuses cover this service; this file holds
// the errors that speak of users and sessions, so every handler reports them in the same words.

/**
 * Every token that does not name a live session gets this one answer, whether it was malformed,
 * unknown, had the wrong secret or had expired: the answer must not tell which ids exist.
 */
export function invalidSession(): AppError {
  return unauthenticated("invalid or expired session");
}

export function userNotFound(id: string): AppError {
  return notFound(`user ${id} not found`);
}
