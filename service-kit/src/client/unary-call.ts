import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  constants,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from "node:http2";
import {
  declaredLength,
  frameMessage,
  isGrpcContentType,
  unaryMessage,
} from "../wire/message-frame.ts";
import { status } from "../wire/status.ts";
import { CallError, errorOfClosedStream, statusOfTrailers } from "./call-error.ts";

export interface UnaryRequest {
  /** `/package.Service/Method` */
  path: string;
  /** The serialized request message. */
  message: Uint8Array;
  /** Custom metadata: lower-case names, text values. */
  headers: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  maxResponseBytes: number;
}

/** grpc-timeout holds at most 8 digits. */
const MAX_TIMEOUT_MS = 99_999_999;

/**
 * One unary gRPC call on an HTTP/2 session: resolves with the serialized response message, or
 * rejects with a CallError. The deadline travels as grpc-timeout (the server aborts its work when
 * it passes) and is kept here too: past it, or when `signal` aborts, the stream is cancelled.
 */
export function unaryCall(session: ClientHttp2Session, request: UnaryRequest): Promise<Buffer> {
  const refused = refusedBeforeStart(request);
  if (refused !== undefined) {
    return Promise.reject(refused);
  }
  const timeoutMs = Math.min(Math.ceil(request.timeoutMs), MAX_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(requestHeaders(request, timeoutMs));
    } catch (error) {
      // The session closed between the channel handing it out and this call (a GOAWAY), or has
      // no stream id left: either way it opens no stream, so the channel replaces it.
      const reason = error instanceof Error ? error.message : "closed";
      reject(
        new CallError(status.UNAVAILABLE, reason, { unprocessed: true, connectionSpent: true }),
      );
      return;
    }
    const call = new UnaryCall(session, stream, request, timeoutMs, resolve, reject);
    call.send(request.message);
  });
}

/** A call that has already lost: cancelled, or out of time, before it started. */
function refusedBeforeStart(request: UnaryRequest): CallError | undefined {
  if (request.signal?.aborted) {
    return new CallError(status.CANCELLED, "Cancelled on client");
  }
  if (request.timeoutMs <= 0) {
    return new CallError(status.DEADLINE_EXCEEDED, "Deadline exceeded before the call started");
  }
  return undefined;
}

function requestHeaders(request: UnaryRequest, timeoutMs: number): OutgoingHttpHeaders {
  return {
    ...request.headers,
    ":method": "POST",
    ":path": request.path,
    "content-type": "application/grpc",
    te: "trailers",
    "grpc-timeout": `${timeoutMs}m`,
  };
}

/**
 * One call's stream, from the request sent to its close; settles the call's promise once. A class
 * rather than closures over locals: per call, one object and the five stream listeners, while the
 * deadline timer and the abort listener need no function of their own (see `expire`,
 * `handleEvent`). This is the client's hot path.
 */
class UnaryCall {
  private readonly chunks: Buffer[] = [];
  private receivedBytes = 0;
  private httpStatus: number | undefined;
  private outcome: CallError | "OK" | undefined;
  private streamError: Error | undefined;
  private settled = false;
  private readonly deadline: ReturnType<typeof setTimeout>;

  constructor(
    private readonly session: ClientHttp2Session,
    private readonly stream: ClientHttp2Stream,
    private readonly request: UnaryRequest,
    readonly timeoutMs: number,
    private readonly resolve: (message: Buffer) => void,
    private readonly reject: (error: CallError) => void,
  ) {
    this.deadline = setTimeout(expire, timeoutMs, this);
    request.signal?.addEventListener("abort", this, { once: true });
    stream.on("response", (headers) => this.onResponse(headers));
    stream.on("data", (chunk: Buffer) => this.onData(chunk));
    stream.on("trailers", (trailers) => {
      this.outcome = statusOfTrailers(trailers);
    });
    stream.on("error", (error) => {
      this.streamError = error;
    });
    stream.on("close", () => this.onClose());
  }

  send(message: Uint8Array): void {
    this.stream.end(frameMessage(message));
  }

  /** `request.signal` aborted: the call is an EventListenerObject, so no closure is made for it. */
  handleEvent(): void {
    this.fail(new CallError(status.CANCELLED, "Cancelled on client"));
  }

  /** Settles the call with `error` and cancels its stream. */
  fail(error: CallError): void {
    this.settle(error);
    if (!this.stream.closed) {
      this.stream.close(constants.NGHTTP2_CANCEL);
    }
  }

  private settle(result: Buffer | CallError): void {
    if (this.settled) {
      return;
    }
    this.settled = true;
    clearTimeout(this.deadline);
    this.request.signal?.removeEventListener("abort", this);
    if (result instanceof CallError) {
      this.reject(result);
    } else {
      this.resolve(result);
    }
  }

  /**
   * The runtime cancels the streams of a connection that dropped (a server killed, a reset): the
   * call was not cancelled by anyone, its server went away, which is UNAVAILABLE (grpc-js says
   * "Connection dropped"), so the caller answers 503 and a client may try again. Not `unprocessed`:
   * the server may have done the work before it went.
   */
  private cancelledOrDropped(cancelled: CallError): CallError {
    const { session } = this;
    return session.destroyed || session.closed
      ? new CallError(status.UNAVAILABLE, "Connection dropped")
      : cancelled;
  }

  private onResponse(headers: IncomingHttpHeaders): void {
    this.httpStatus = Number(headers[":status"]);
    const contentType = headers["content-type"];
    if (this.httpStatus === 200 && !isGrpcContentType(contentType)) {
      // Not a gRPC server (a web server on the wrong port): its grpc-status, if any, means nothing.
      this.fail(
        new CallError(
          status.UNKNOWN,
          `Received invalid content-type ${JSON.stringify(contentType)}`,
        ),
      );
      return;
    }
    if (headers["grpc-status"] !== undefined) {
      this.outcome = statusOfTrailers(headers); // trailers-only: an error with no message
    }
  }

  private onData(chunk: Buffer): void {
    if (this.httpStatus !== 200) {
      return; // not a gRPC response (a proxy's error page): its HTTP status says what failed
    }
    const { chunks, request } = this;
    chunks.push(chunk);
    this.receivedBytes += chunk.length;
    // The first chunk declares the message's length; a flood of messages counts too.
    const length = chunks.length === 1 ? (declaredLength(chunk) ?? 0) : this.receivedBytes - 5;
    if (length > request.maxResponseBytes) {
      this.fail(
        new CallError(
          status.RESOURCE_EXHAUSTED,
          `Received message larger than max (${length} vs ${request.maxResponseBytes})`,
        ),
      );
    }
  }

  private onClose(): void {
    const { chunks, outcome } = this;
    if (outcome === "OK") {
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      const message = unaryMessage(body);
      this.settle("code" in message ? new CallError(message.code, message.details) : message);
    } else if (outcome !== undefined) {
      this.settle(outcome);
    } else {
      const { streamError: error, httpStatus, stream } = this;
      const closed = errorOfClosedStream({ error, httpStatus, rstCode: stream.rstCode });
      this.settle(closed.code === status.CANCELLED ? this.cancelledOrDropped(closed) : closed);
    }
  }
}

/** The deadline timer's callback: a module function given the call, so no closure per call. */
function expire(call: UnaryCall): void {
  call.fail(new CallError(status.DEADLINE_EXCEEDED, `Deadline of ${call.timeoutMs} ms exceeded`));
}
