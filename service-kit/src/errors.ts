import { status } from "./wire/status.ts";

/**
 * The error vocabulary of every service, named after the gRPC codes it maps to, except where a
 * client must tell one refusal from others under the same gRPC code: those have their own name
 * (see `ERROR_CODE_METADATA`).
 */
export type ErrorCode =
  | "INVALID_ARGUMENT"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "FAILED_PRECONDITION"
  | "PERMISSION_DENIED"
  | "UNAUTHENTICATED"
  | "RESOURCE_EXHAUSTED"
  | "DEADLINE_EXCEEDED"
  | "CANCELLED"
  | "UNAVAILABLE"
  | "IDEMPOTENCY_KEY_REUSED";

/**
 * The trailer that carries an AppError's own code beside its gRPC status. gRPC has no status for
 * "this key was used for another request" (HTTP 422), so the gateway reads the code here.
 */
export const ERROR_CODE_METADATA = "trellis-error-code";

/**
 * A failure the caller is meant to see. Its message goes to the client as the status details,
 * so it names the field or the thing at fault and never holds SQL, secrets or stack traces.
 */
export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** The one domain -> gRPC table. Anything that is not an AppError becomes INTERNAL. */
export const grpcStatusOf: Readonly<Record<ErrorCode, status>> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  RESOURCE_EXHAUSTED: status.RESOURCE_EXHAUSTED,
  DEADLINE_EXCEEDED: status.DEADLINE_EXCEEDED,
  CANCELLED: status.CANCELLED,
  UNAVAILABLE: status.UNAVAILABLE,
  // The key is in a state (bound to another request) that refuses this one.
  IDEMPOTENCY_KEY_REUSED: status.FAILED_PRECONDITION,
};

/** Bad input; the message starts with the field name, e.g. "title: must not be empty". */
export function invalidArgument(message: string): AppError {
  return new AppError("INVALID_ARGUMENT", message);
}

export function notFound(message: string): AppError {
  return new AppError("NOT_FOUND", message);
}

export function alreadyExists(message: string, cause?: unknown): AppError {
  return new AppError("ALREADY_EXISTS", message, { cause });
}

export function failedPrecondition(message: string, cause?: unknown): AppError {
  return new AppError("FAILED_PRECONDITION", message, { cause });
}

export function permissionDenied(message: string): AppError {
  return new AppError("PERMISSION_DENIED", message);
}

export function unauthenticated(message: string): AppError {
  return new AppError("UNAUTHENTICATED", message);
}

/** The service cannot answer now (its database is down or restarting); trying again may work. */
export function unavailable(message: string, cause?: unknown): AppError {
  return new AppError("UNAVAILABLE", message, { cause });
}

/** An Idempotency-Key sent again with a different request; the first one's answer stands. */
export function idempotencyKeyReused(message: string): AppError {
  return new AppError("IDEMPOTENCY_KEY_REUSED", message);
}
