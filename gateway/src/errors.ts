import { status } from "@grpc/grpc-js";

/** An error the gateway answers with as JSON: `{ "error": { "code", "message", "requestId" } }`. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly status: number;
  readonly code: string;

  constructor(httpStatus: number, code: string, message: string) {
    super(message);
    this.status = httpStatus;
    this.code = code;
  }
}

export const unauthorized = (message = "sign in first"): HttpError =>
  new HttpError(401, "UNAUTHENTICATED", message);

export const badRequest = (message: string): HttpError =>
  new HttpError(400, "INVALID_ARGUMENT", message);

export const forbidden = (message: string): HttpError =>
  new HttpError(403, "PERMISSION_DENIED", message);

/** Over a rate limit; the caller sets Retry-After. */
export const tooManyRequests = (message: string): HttpError =>
  new HttpError(429, "RESOURCE_EXHAUSTED", message);

/** The one gRPC -> HTTP table. Codes not listed are 500 with a generic message. */
const httpStatusOf: Partial<Record<status, number>> = {
  [status.INVALID_ARGUMENT]: 400,
  [status.UNAUTHENTICATED]: 401,
  [status.PERMISSION_DENIED]: 403,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.FAILED_PRECONDITION]: 412,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.CANCELLED]: 499,
  [status.UNAVAILABLE]: 503,
  [status.DEADLINE_EXCEEDED]: 504,
};

/** Messages safe to pass through: what a service said about the caller's own request. */
const passThrough = new Set<status>([
  status.INVALID_ARGUMENT,
  status.NOT_FOUND,
  status.ALREADY_EXISTS,
  status.FAILED_PRECONDITION,
  status.PERMISSION_DENIED,
]);

const genericMessages: Partial<Record<status, string>> = {
  [status.UNAUTHENTICATED]: "sign in first",
  [status.RESOURCE_EXHAUSTED]: "too many requests",
  [status.CANCELLED]: "request cancelled",
  [status.UNAVAILABLE]: "a service is unavailable; try again shortly",
  [status.DEADLINE_EXCEEDED]: "a service took too long to answer",
};

/** A failed gRPC call as the HTTP error the client sees. */
export function fromGrpcError(error: { code: status; details?: string }): HttpError {
  const httpStatus = httpStatusOf[error.code] ?? 500;
  const code = httpStatus === 500 ? "INTERNAL" : (status[error.code] ?? "INTERNAL");
  const message = passThrough.has(error.code)
    ? (error.details ?? "request refused")
    : (genericMessages[error.code] ?? "internal error");
  return new HttpError(httpStatus, code, message);
}

/** Whether `error` came from a gRPC call (the kit's CallError, or a grpc-js ServiceError). */
export function isGrpcError(error: unknown): error is { code: status; details: string } {
  return (
    error instanceof Error &&
    "code" in error &&
    typeof error.code === "number" &&
    "details" in error &&
    typeof error.details === "string"
  );
}

export function errorBody(
  error: HttpError,
  requestId: string,
): {
  error: { code: string; message: string; requestId: string };
} {
  return { error: { code: error.code, message: error.message, requestId } };
}
