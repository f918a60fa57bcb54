import { constants } from "node:http2";
import { ERROR_CODE_METADATA } from "../errors.ts";
import { status, statusName } from "../wire/status.ts";

/**
 * A failed call as the client sees it: the gRPC status code and its message. The shape of
 * grpc-js's ServiceError (`code`, `details`, `message`), so code that handles one handles both.
 */
export class CallError extends Error {
  override readonly name = "CallError";

  /** The service's own error code (ERROR_CODE_METADATA), when it sent one. */
  readonly errorCode: string | undefined;
  /**
   * The server never saw the call (a stream it refused, or one above its GOAWAY's last stream
   * id), so calling again cannot do anything twice.
   */
  readonly unprocessed: boolean;
  /**
   * The connection can open no more streams (out of stream ids, or closed under the call): the
   * channel replaces it. Set only with `unprocessed`.
   */
  readonly connectionSpent: boolean;

  constructor(
    readonly code: status,
    readonly details: string,
    more: { errorCode?: string; unprocessed?: boolean; connectionSpent?: boolean } = {},
  ) {
    super(`${code} ${statusName(code) ?? "UNKNOWN"}: ${details}`);
    this.errorCode = more.errorCode;
    this.unprocessed = more.unprocessed ?? false;
    this.connectionSpent = more.connectionSpent ?? false;
  }
}

/** The status a response's trailers (or trailers-only headers) carry. */
export function statusOfTrailers(trailers: Record<string, unknown>): CallError | "OK" {
  const value = trailers["grpc-status"];
  const code = typeof value === "string" && /^\d{1,2}$/.test(value) ? Number(value) : Number.NaN;
  if (code === status.OK) {
    return "OK";
  }
  if (statusName(code) === undefined) {
    return new CallError(status.UNKNOWN, `Received an invalid grpc-status: ${String(value)}`);
  }
  const errorCode = trailers[ERROR_CODE_METADATA];
  return new CallError(
    code as status,
    decodeMessage(trailers["grpc-message"]),
    typeof errorCode === "string" ? { errorCode } : {},
  );
}

// The gRPC spec's mapping for a response that is not gRPC at all (a proxy's error page, say):
// github.com/grpc/grpc/blob/master/doc/http-grpc-status-mapping.md
const httpStatusCodes: Record<number, status> = {
  400: status.INTERNAL,
  401: status.UNAUTHENTICATED,
  403: status.PERMISSION_DENIED,
  404: status.UNIMPLEMENTED,
  429: status.UNAVAILABLE,
  502: status.UNAVAILABLE,
  503: status.UNAVAILABLE,
  504: status.UNAVAILABLE,
};

/** A response whose HTTP status is not 200 and that carries no gRPC status. */
export function errorOfHttpStatus(httpStatus: number): CallError {
  return new CallError(
    httpStatusCodes[httpStatus] ?? status.UNKNOWN,
    `Received HTTP status code ${httpStatus}`,
  );
}

/**
 * Why a stream closed without a gRPC status: the connection failed or dropped (UNAVAILABLE), the
 * server reset the stream (by its code), or the response was not gRPC (by its HTTP status).
 */
export function errorOfClosedStream(stream: {
  error: (Error & { code?: unknown }) | undefined;
  httpStatus: number | undefined;
  rstCode: number | undefined;
}): CallError {
  const { error, httpStatus, rstCode } = stream;
  if (error?.code === "ERR_HTTP2_GOAWAY_SESSION") {
    // Sent after the server's GOAWAY, above its last stream id: it processed none of it, and the
    // connection takes no new stream.
    return new CallError(status.UNAVAILABLE, error.message, {
      unprocessed: true,
      connectionSpent: true,
    });
  }
  if (error?.code === "ERR_HTTP2_OUT_OF_STREAMS" || error?.code === "ERR_HTTP2_INVALID_SESSION") {
    // The stream was never opened: the connection ran out of stream ids, or closed meanwhile.
    return new CallError(status.UNAVAILABLE, error.message, {
      unprocessed: true,
      connectionSpent: true,
    });
  }
  if (error?.code === "ERR_HTTP2_ERROR") {
    // The server broke HTTP/2 (a push it was told not to send, a header block over the runtime's
    // limit), so the client ended the connection: a fault of the server that calling again would
    // meet again, not an outage. grpc-js reports it so too.
    return new CallError(
      status.INTERNAL,
      `Received RST_STREAM with code ${rstCode ?? constants.NGHTTP2_INTERNAL_ERROR} triggered by internal client error: ${error.message}`,
    );
  }
  if (error !== undefined && error.code !== "ERR_HTTP2_STREAM_ERROR") {
    // Node wraps the socket's error ("connect ECONNREFUSED ...") in a stream cancel error.
    const cause = error.cause instanceof Error ? error.cause : error;
    return new CallError(status.UNAVAILABLE, cause.message);
  }
  if (httpStatus !== undefined && httpStatus !== 200) {
    return errorOfHttpStatus(httpStatus);
  }
  return errorOfResetStream(rstCode ?? constants.NGHTTP2_NO_ERROR);
}

/** A stream that closed without a gRPC status, by its RST_STREAM code (as grpc-js reports it). */
export function errorOfResetStream(rstCode: number): CallError {
  switch (rstCode) {
    case constants.NGHTTP2_REFUSED_STREAM:
      return new CallError(status.UNAVAILABLE, "Stream refused by server", { unprocessed: true });
    case constants.NGHTTP2_CANCEL:
      return new CallError(status.CANCELLED, "Call cancelled");
    case constants.NGHTTP2_ENHANCE_YOUR_CALM:
      return new CallError(
        status.RESOURCE_EXHAUSTED,
        "Bandwidth exhausted or memory limit exceeded",
      );
    case constants.NGHTTP2_INADEQUATE_SECURITY:
      return new CallError(status.PERMISSION_DENIED, "Protocol not secure enough");
    case constants.NGHTTP2_NO_ERROR:
      return new CallError(
        status.INTERNAL,
        "Received RST_STREAM with code 0 (Call ended without gRPC status)",
      );
    default:
      return new CallError(status.INTERNAL, `Received RST_STREAM with code ${rstCode}`);
  }
}

// grpc-message is percent-encoded (the server's grpc-js encodes anything outside printable
// ASCII); a malformed one is shown as sent rather than lost.
function decodeMessage(value: unknown): string {
  if (typeof value !== "string") {
    return "";
  }
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
