import { type AppError, alreadyExists, notFound } from "@trellis/service-kit";

// The kit's AppError and its one table to gRPC statuses cover this service; this file holds
// the errors that speak of notes, so every handler and the repository report them in the same
// words. The repository passes the driver's error as `cause`: it reaches the log, never the
// client.

export function noteNotFound(id: string): AppError {
  return notFound(`note ${id} not found`);
}

/** A note id taken already: ids come from the service, so this is a bug or a replay. */
export function noteAlreadyExists(id: string, cause: unknown): AppError {
  return alreadyExists(`note ${id} already exists`, cause);
}
