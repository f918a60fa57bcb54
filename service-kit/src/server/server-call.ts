import type { ReadMetadata } from "../wire/read-metadata.ts";
import type { status } from "../wire/status.ts";

// What the kit's server hands a method's handler and what it takes back. The kit's own types in
// place of grpc-js's ServerUnaryCall and callback: one AbortSignal per call carries its deadline
// and its cancellation, and an answer is a value, never a thrown error.

/** One incoming call, its request already decoded. */
export interface ServerCall<Request = unknown> {
  request: Request;
  /** The caller's custom metadata (no pseudo-headers, no grpc-* or transport headers). */
  metadata: ReadMetadata;
  /**
   * Aborts when the deadline (grpc-timeout) passes or the client cancels: its reason is an
   * AppError, DEADLINE_EXCEEDED or CANCELLED. The server has answered the client by then.
   */
  signal: AbortSignal;
}

/** A failed call as the server sends it: gRPC status, message, and trailing metadata. */
export interface StatusAnswer {
  code: status;
  details: string;
  /** Extra trailers (lower-case text names), e.g. the service's own error code. */
  metadata?: Record<string, string>;
}

/** A unary call's outcome: its response, or a status other than OK. */
export type UnaryAnswer<Response = unknown> =
  | { response: Response; error?: undefined }
  | { error: StatusAnswer; response?: undefined };

export type UnaryHandler = (call: ServerCall) => Promise<UnaryAnswer>;

/** A server-streaming call (health Watch): messages written until the server ends it. */
export interface ServerStream<Request = unknown, Response = unknown> extends ServerCall<Request> {
  write(message: Response): void;
  /** Ends the stream with status OK. */
  end(): void;
}

export type StreamHandler = (call: ServerStream) => void;

/**
 * A service's handlers by the definition's method names: a unary handler for a method whose
 * `responseStream` is false, a stream handler for one whose `responseStream` is true.
 */
export type ServiceImplementation = Record<string, UnaryHandler | StreamHandler>;
