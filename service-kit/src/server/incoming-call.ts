import {
  constants as http2constants,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import { AppError } from "../errors.ts";
import { MAX_MESSAGE_BYTES } from "../wire/limits.ts";
import { declaredLength, frameMessage, unaryMessage } from "../wire/message-frame.ts";
import { status } from "../wire/status.ts";
import { CallMetadata } from "./call-metadata.ts";
import { parseGrpcTimeout } from "./grpc-timeout.ts";
import type { MethodRoute } from "./method-route.ts";
import { refuseStream } from "./refuse-stream.ts";
import type { UnfinishedRequests } from "./server-bounds.ts";
import type { StatusAnswer } from "./server-call.ts";
import { OK_TRAILERS, RESPONSE_HEADERS, statusTrailers, trailersOnly } from "./status-headers.ts";

/**
 * One call on its stream, from the request's HEADERS to the status sent: reads the one request
 * message (refusing one over MAX_MESSAGE_BYTES from its declared length, before it is all
 * buffered, and one whose bytes would pass its connection's bound on unfinished requests), runs
 * the deadline (grpc-timeout) and notices the client's cancel (the stream closing first), both of
 * which abort `signal`, and sends the answer once. A late answer, after the
 * deadline or a cancel, is dropped. The class holds the per-call state so that a call costs one
 * object and its stream's listeners; this is every service's hot path.
 */
export class IncomingCall {
  readonly metadata: CallMetadata;
  private readonly controller = new AbortController();
  private readonly chunks: Buffer[] = [];
  /**
   * Where chunks under COALESCE_BELOW_BYTES, but the first, are copied, in order after `chunks`:
   * Bun gives each DATA frame's payload a Buffer of its own (~75 bytes of heap), so a request
   * sent a byte per frame would otherwise cost far more than the bytes its connection's bound
   * counts.
   */
  private staging: Buffer | undefined;
  private staged = 0;
  /** Bytes of the request received so far, counted in `unfinished` until released. */
  private received = 0;
  /** The request message's length as its prefix declares it, once the prefix is whole. */
  private declared: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Until the request has arrived whole, for a call without an earlier deadline. */
  private bodyTimer: ReturnType<typeof setTimeout> | undefined;
  /** Status sent or being sent: nothing more goes out. */
  private finished = false;
  private trailers: OutgoingHttpHeaders = OK_TRAILERS;

  constructor(
    private readonly stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    private readonly route: MethodRoute,
    bodyTimeoutMs: number,
    /** The connection's count, shared by its calls. */
    private readonly unfinished: UnfinishedRequests,
  ) {
    this.metadata = new CallMetadata(headers);
    stream.once("close", () => this.onClose());
    const timeoutMs = parseGrpcTimeout(headers["grpc-timeout"]);
    const refused = refusedByHeaders(headers, timeoutMs);
    if (refused !== undefined) {
      this.fail(refused);
      return;
    }
    if (typeof timeoutMs === "number" && timeoutMs <= MAX_TIMER_MS) {
      this.timer = setTimeout(expire, timeoutMs, this);
    }
    // Only a call whose deadline is later (or absent) pays for a second timer; the kit's own
    // client always sends a shorter deadline.
    if (!(typeof timeoutMs === "number" && timeoutMs <= bodyTimeoutMs)) {
      this.bodyTimer = setTimeout(requestTooSlow, bodyTimeoutMs, this);
    }
    stream.on("data", (chunk: Buffer) => this.onData(chunk));
    stream.once("end", () => this.onEnd());
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the call still waits for its answer (not failed, expired or cancelled). */
  get open(): boolean {
    return !this.finished;
  }

  /** Answers with one message and status OK. */
  answer(message: Buffer): void {
    if (message.length > MAX_MESSAGE_BYTES) {
      this.fail({
        code: status.RESOURCE_EXHAUSTED,
        details: `Sent message larger than max (${message.length} vs. ${MAX_MESSAGE_BYTES})`,
      });
      return;
    }
    if (this.startAnswer()) {
      this.finished = true;
      this.stop();
      this.stream.end(frameMessage(message));
    }
  }

  /** Sends one message of a server-streaming answer (headers first); false once it ended. */
  write(message: Buffer): boolean {
    if (!this.startAnswer()) {
      return false;
    }
    this.stream.write(frameMessage(message));
    return true;
  }

  /** Ends a server-streaming answer with status OK. */
  end(): void {
    if (this.startAnswer()) {
      this.finished = true;
      this.stop();
      this.stream.end();
    }
  }

  /** Ends the call with `answer`'s status: Trailers-Only, or trailers after streamed messages. */
  fail(answer: StatusAnswer): void {
    const { stream } = this;
    if (this.finished || stream.closed || stream.destroyed) {
      return;
    }
    this.finished = true;
    this.stop();
    if (stream.headersSent) {
      stream.resume(); // what is left of the request is read and dropped, not left to stall
      this.trailers = statusTrailers(answer);
      stream.end();
    } else {
      refuseStream(stream, trailersOnly(answer));
    }
  }

  /** Response headers, once; false when the call is over (answered, failed, or gone). */
  private startAnswer(): boolean {
    const { stream } = this;
    if (this.finished || stream.closed || stream.destroyed) {
      return false;
    }
    if (!stream.headersSent) {
      stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
      stream.once("wantTrailers", () => sendTrailers(stream, this.trailers));
    }
    return true;
  }

  /** The deadline passed: the client is told, the handler's signal aborts. */
  expired(): void {
    this.fail({ code: status.DEADLINE_EXCEEDED, details: "Deadline exceeded" });
    this.controller.abort(new AppError("DEADLINE_EXCEEDED", "deadline exceeded"));
  }

  private stop(): void {
    clearTimeout(this.timer);
    clearTimeout(this.bodyTimer);
    this.chunks.length = 0; // an unfinished request's bytes go with the call's end
    this.staging = undefined;
    this.staged = 0;
    this.release();
  }

  /** The request's bytes no longer count against the connection (whole, or dropped). Once. */
  private release(): void {
    this.unfinished.held -= this.received;
    this.received = 0;
  }

  /** The request did not arrive whole in time: the call fails and its bytes are dropped. */
  requestTooSlow(): void {
    this.fail({ code: status.DEADLINE_EXCEEDED, details: "Request not received in time" });
    this.controller.abort(new AppError("DEADLINE_EXCEEDED", "request not received in time"));
  }

  /** The stream closed: before an answer, the client cancelled or its connection went. */
  private onClose(): void {
    this.stop();
    if (!this.finished) {
      this.finished = true;
      this.controller.abort(new AppError("CANCELLED", "call cancelled"));
    }
  }

  private onData(chunk: Buffer): void {
    if (this.finished) {
      return;
    }
    const { chunks, unfinished } = this;
    if (unfinished.held + chunk.length > unfinished.limit) {
      this.fail({
        code: status.RESOURCE_EXHAUSTED,
        details: `Connection holds too many unfinished requests (over ${unfinished.limit} bytes)`,
      });
      return;
    }
    unfinished.held += chunk.length;
    // The first chunk is kept as it comes: a small request in one DATA frame, most calls, is
    // not copied.
    if (chunk.length < COALESCE_BELOW_BYTES && this.received > 0) {
      this.stage(chunk);
    } else {
      this.seal();
      chunks.push(chunk);
    }
    this.received += chunk.length;
    // The prefix declares the length, read once it is whole (a prefix split over chunks is
    // joined once, not on every chunk: a client sending a byte at a time costs no more).
    if (this.declared === undefined && this.received >= 5) {
      const first = chunks[0];
      this.declared =
        declaredLength(
          first !== undefined && first.length >= 5
            ? first
            : Buffer.concat(this.parts()).subarray(0, 5),
        ) ?? 0;
    }
    const length = Math.max(this.declared ?? 0, this.received - 5);
    if (length > MAX_MESSAGE_BYTES) {
      this.fail({
        code: status.RESOURCE_EXHAUSTED,
        details: `Received message larger than max (${length} vs. ${MAX_MESSAGE_BYTES})`,
      });
    }
  }

  /** Copies a small chunk after the others, into full STAGING_BYTES buffers. */
  private stage(chunk: Buffer): void {
    let copied = 0;
    while (copied < chunk.length) {
      if (this.staging === undefined) {
        this.staging = Buffer.allocUnsafeSlow(STAGING_BYTES);
      }
      const n = chunk.copy(this.staging, this.staged, copied);
      copied += n;
      this.staged += n;
      if (this.staged === STAGING_BYTES) {
        this.chunks.push(this.staging);
        this.staging = undefined;
        this.staged = 0;
      }
    }
  }

  /** A larger chunk follows: what is staged is copied to a buffer of its size, in `chunks`. */
  private seal(): void {
    if (this.staging !== undefined && this.staged > 0) {
      const sealed = Buffer.allocUnsafeSlow(this.staged);
      this.staging.copy(sealed, 0, 0, this.staged);
      this.chunks.push(sealed);
    }
    this.staging = undefined;
    this.staged = 0;
  }

  /** The request's bytes so far, in order. */
  private parts(): Buffer[] {
    const { chunks, staging, staged } = this;
    return staging === undefined || staged === 0
      ? chunks
      : [...chunks, staging.subarray(0, staged)];
  }

  private onEnd(): void {
    // Bun ends a stream's reading when its connection is lost, END_STREAM or not: a request cut
    // off is no request, and its handler must not run (a create would be made for nobody).
    const { stream } = this;
    if (this.finished || stream.destroyed || stream.aborted) {
      return;
    }
    clearTimeout(this.bodyTimer);
    this.release(); // whole: the handler's now, bounded by the connection's streams
    const parts = this.parts();
    const body = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    const message = unaryMessage(body);
    if ("code" in message) {
      this.fail(message);
    } else {
      this.route.onRequest(this, message);
    }
  }
}

/**
 * The longest delay a timer holds (2^31 - 1 ms, about 24.8 days); a longer one fires at once.
 * grpc-timeout allows up to 99999999 hours: a deadline beyond this is no deadline in practice.
 */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Request chunks smaller than this (but a request's first) are copied together, STAGING_BYTES at a
 * time, rather than kept one Buffer each: a Buffer's own cost (~75 bytes in Bun 1.4.5) is then
 * at most ~7% of the bytes it holds, and a call holds at most one staging buffer not yet full.
 * Full-size DATA frames (16 KiB) are kept as they come.
 */
const COALESCE_BELOW_BYTES = 1024;
const STAGING_BYTES = 4096;

/** What the request's headers alone refuse: compression, or a malformed grpc-timeout. */
function refusedByHeaders(
  headers: IncomingHttpHeaders,
  timeoutMs: number | undefined | null,
): StatusAnswer | undefined {
  const encoding = headers["grpc-encoding"];
  if (encoding !== undefined && encoding !== "identity") {
    // grpc-accept-encoding in the answer tells the client what would do.
    return { code: status.UNIMPLEMENTED, details: "Compressed requests are not supported" };
  }
  if (timeoutMs === null) {
    return { code: status.INTERNAL, details: "Invalid grpc-timeout value" };
  }
  return undefined;
}

/** The request body timer's callback, as `expire`. */
function requestTooSlow(call: IncomingCall): void {
  call.requestTooSlow();
}

/** The deadline timer's callback: a module function given the call, so no closure per call. */
function expire(call: IncomingCall): void {
  call.expired();
}

/** Trailers that cannot be sent (the stream broke meanwhile) reset the stream instead. */
function sendTrailers(stream: ServerHttp2Stream, trailers: OutgoingHttpHeaders): void {
  try {
    stream.sendTrailers(trailers);
  } catch {
    stream.close(http2constants.NGHTTP2_INTERNAL_ERROR);
  }
}
