import { status } from "@trellis/service-kit";

/**
 * Every code the gateway answers with. The service codes keep their gRPC names, so a client
 * reads one vocabulary whether the gateway or a service refused it.
 */
export type GatewayErrorCode =
  | "INVALID_ARGUMENT"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "ALREADY_EXISTS"
  | "FAILED_PRECONDITION"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "RESOURCE_EXHAUSTED"
  | "INTERNAL"
  | "UNAVAILABLE"
  | "DEADLINE_EXCEEDED"
  | "LOGIN_FAILED"
  | "IDEMPOTENCY_KEY_REUSED";

/** The one code -> HTTP status table. */
export const httpStatusOf = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  // The user's own failed attempt. One that failed upstream or in our settings is 502 or 500:
  // `loginFailed`, by the LoginError table in auth/sign-in-failure.ts.
  LOGIN_FAILED: 400,
  // The Idempotency-Key came before with another request (draft-ietf-httpapi-idempotency-key).
  IDEMPOTENCY_KEY_REUSED: 422,
} as const satisfies Record<GatewayErrorCode, number>;

/** The statuses a LOGIN_FAILED may have: the user's (400), ours (500), the provider's (502). */
export type LoginFailedStatus = 400 | 500 | 502;

/**
 * An error the gateway answers with as JSON: `{ "error": { "code", "message", "requestId" } }`.
 * Built only by the factories below, so that a code always has its status from the table.
 */
export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly status: number;
  readonly code: GatewayErrorCode;
  /** Seconds the client is asked to wait, sent as Retry-After by the one onError; or null. */
  readonly retryAfterSeconds: number | null;

  constructor(
    code: GatewayErrorCode,
    message: string,
    httpStatus: number = httpStatusOf[code],
    retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.status = httpStatus;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Bad input; the message starts with the field at fault, e.g. "body: malformed JSON". */
export const badRequest = (message: string): HttpError =>
  new HttpError("INVALID_ARGUMENT", message);

export const unauthorized = (message = "sign in first"): HttpError =>
  new HttpError("UNAUTHENTICATED", message);

export const forbidden = (message: string): HttpError =>
  new HttpError("PERMISSION_DENIED", message);

export const notFound = (message: string): HttpError => new HttpError("NOT_FOUND", message);

/** A path no route answers, e.g. "no route for GET /api/nope". */
export const noRoute = (method: string, path: string): HttpError =>
  notFound(`no route for ${method} ${path}`);

/** A path some route answers, but not with this method; the caller sets Allow. */
export const methodNotAllowed = (method: string, path: string): HttpError =>
  new HttpError("METHOD_NOT_ALLOWED", `${method} is not allowed on ${path}`);

export const payloadTooLarge = (message: string): HttpError =>
  new HttpError("PAYLOAD_TOO_LARGE", message);

export const unsupportedMediaType = (message: string): HttpError =>
  new HttpError("UNSUPPORTED_MEDIA_TYPE", message);

/** Over a rate limit; the caller sets Retry-After. */
export const tooManyRequests = (message: string): HttpError =>
  new HttpError("RESOURCE_EXHAUSTED", message);

/** Seconds a shed caller is asked to wait: a call lasts milliseconds, a deadline two seconds. */
const BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * A service already has UPSTREAM_MAX_IN_FLIGHT calls from this gateway: refused before calling
 * it, with Retry-After.
 */
export const serviceBusy = (): HttpError =>
  new HttpError(
    "UNAVAILABLE",
    "the service is busy; retry after Retry-After seconds",
    httpStatusOf.UNAVAILABLE,
    BUSY_RETRY_AFTER_SECONDS,
  );

/** Whether `error` is serviceBusy's: the gateway shed the call, so the service was never asked. */
export function isServiceBusy(error: unknown): boolean {
  return (
    error instanceof HttpError && error.code === "UNAVAILABLE" && error.retryAfterSeconds !== null
  );
}

/** Anything unexpected: the cause goes to the log, never to the client. */
export const internalError = (): HttpError => new HttpError("INTERNAL", "internal error");

/** A failed sign-in, for an API client; its status says whose fault it was. */
export const loginFailed = (message: string, httpStatus: LoginFailedStatus): HttpError =>
  new HttpError("LOGIN_FAILED", message, httpStatus);

/**
 * The one service -> gateway table: a service's own error code (the kit's trellis-error-code
 * trailer) where it refines a gRPC status, else the status. Codes not listed are INTERNAL
 * "internal error".
 */
const codeOfServiceError: Partial<Record<string, GatewayErrorCode>> = {
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
};
const codeOfGrpc: Partial<Record<status, GatewayErrorCode>> = {
  [status.INVALID_ARGUMENT]: "INVALID_ARGUMENT",
  [status.UNAUTHENTICATED]: "UNAUTHENTICATED",
  [status.PERMISSION_DENIED]: "PERMISSION_DENIED",
  [status.NOT_FOUND]: "NOT_FOUND",
  [status.ALREADY_EXISTS]: "ALREADY_EXISTS",
  [status.FAILED_PRECONDITION]: "FAILED_PRECONDITION",
  [status.RESOURCE_EXHAUSTED]: "RESOURCE_EXHAUSTED",
  // The gateway cancels none of its calls, so a CANCELLED is not the user's doing: the
  // connection dropped under the call (the kit's client reports a reset connection so, as the
  // fault proxy's resets showed), and the user, still waiting, may retry.
  [status.CANCELLED]: "UNAVAILABLE",
  [status.UNAVAILABLE]: "UNAVAILABLE",
  [status.DEADLINE_EXCEEDED]: "DEADLINE_EXCEEDED",
};

/** Messages safe to pass through: what a service said about the caller's own request. */
const passThrough = new Set<GatewayErrorCode>([
  "INVALID_ARGUMENT",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "FAILED_PRECONDITION",
  "PERMISSION_DENIED",
  "IDEMPOTENCY_KEY_REUSED",
]);

/** What the client reads instead of a service's own words, which may name hosts or SQL. */
const genericMessages: Partial<Record<GatewayErrorCode, string>> = {
  UNAUTHENTICATED: "sign in first",
  RESOURCE_EXHAUSTED: "too many requests",
  UNAVAILABLE: "a service is unavailable; try again shortly",
  DEADLINE_EXCEEDED: "a service took too long to answer",
};

/** A failed gRPC call as the HTTP error the client sees. */
export function fromGrpcError(error: {
  code: status;
  details?: string;
  errorCode?: string;
}): HttpError {
  const refined = error.errorCode === undefined ? undefined : codeOfServiceError[error.errorCode];
  const code = refined ?? codeOfGrpc[error.code] ?? "INTERNAL";
  const message = passThrough.has(code)
    ? (error.details ?? "request refused")
    : (genericMessages[code] ?? "internal error");
  return new HttpError(code, message);
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
  error: { code: GatewayErrorCode; message: string; requestId: string };
} {
  return { error: { code: error.code, message: error.message, requestId } };
}
