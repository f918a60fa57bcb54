import { type AppError, notFound } from "@trellis/service-kit";

// The kit's AppError and its one table to gRPC statuses cover this service; this file holds
// the errors that speak of notes, so every handler reports them in the same words.

export function noteNotFound(id: string): AppError {
  return notFound(`note ${id} not found`);
}
