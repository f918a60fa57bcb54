import { type ClientHttp2Session, connect } from "node:http2";
import { status } from "@grpc/grpc-js";
import { CallError } from "./call-error.ts";
import { StreamSlots } from "./stream-slots.ts";
import { type UnaryRequest, unaryCall } from "./unary-call.ts";

export interface ChannelOptions {
  /** HTTP/2 receive window, of the connection and of each stream. */
  windowBytes: number;
  /** Ping the server this often, busy or idle... */
  keepaliveTimeMs: number;
  /** ...and close the connection when a ping is not answered within this. */
  keepaliveTimeoutMs: number;
  /**
   * After a failed connection attempt, calls fail at once (UNAVAILABLE) for this long, doubling
   * with each failure in a row up to `maxBackoffMs`.
   */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Calls in flight at once; more wait for one to end (see limits.ts for all three). */
  maxConcurrentStreams: number;
  /** The largest response header list, or trailer list, accepted. */
  maxHeaderListBytes: number;
  /** node:http2's `maxSessionMemory`, in MB. */
  maxSessionMemoryMb: number;
}

/**
 * One HTTP/2 connection to a gRPC server at `host:port`, opened on the first call and again
 * after it closes (the server restarted, went away, or stopped answering pings). Calls made
 * while it connects wait for it; calls made soon after a failed attempt fail at once, so a
 * server that is down costs no connection attempt per call.
 */
export class Http2Channel {
  #session: ClientHttp2Session | undefined;
  #inFlight = 0;
  #keepalive: ReturnType<typeof setInterval> | undefined;
  #failure: { message: string; until: number } | undefined;
  #backoffMs: number;
  #closed = false;
  readonly #slots: StreamSlots;

  constructor(
    readonly address: string,
    private readonly options: ChannelOptions,
  ) {
    this.#backoffMs = options.initialBackoffMs;
    this.#slots = new StreamSlots(options.maxConcurrentStreams);
  }

  /**
   * One unary call (see unaryCall) on the connection, opening it first when there is none. Time
   * spent waiting for a stream comes out of the call's deadline.
   */
  async unary(
    request: Omit<UnaryRequest, "maxResponseBytes">,
    maxResponseBytes: number,
  ): Promise<Buffer> {
    let timeoutMs = request.timeoutMs;
    if (!this.#slots.tryTake()) {
      const waitStart = performance.now();
      const ended = await this.#slots.wait(timeoutMs, request.signal);
      if (ended !== null) {
        throw ended;
      }
      timeoutMs -= performance.now() - waitStart;
    }
    try {
      return await this.#call({ ...request, timeoutMs, maxResponseBytes });
    } finally {
      this.#slots.release();
    }
  }

  async #call(request: UnaryRequest): Promise<Buffer> {
    const session = this.#open();
    if (session instanceof CallError) {
      throw session;
    }
    if (++this.#inFlight === 1) {
      session.ref(); // an idle channel does not keep the process alive; a call does
    }
    try {
      return await unaryCall(session, request);
    } finally {
      if (--this.#inFlight === 0) {
        this.#session?.unref();
      }
    }
  }

  /** Closes the connection; calls after this fail UNAVAILABLE. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#keepalive);
    this.#session?.close();
    this.#session = undefined;
  }

  #open(): ClientHttp2Session | CallError {
    if (this.#closed) {
      return new CallError(status.UNAVAILABLE, "Channel has been shut down");
    }
    const current = this.#session;
    if (current !== undefined && !current.closed && !current.destroyed) {
      return current;
    }
    const failure = this.#failure;
    if (failure !== undefined && Date.now() < failure.until) {
      return new CallError(status.UNAVAILABLE, `${this.address}: ${failure.message}`);
    }
    const { windowBytes, maxHeaderListBytes, maxSessionMemoryMb } = this.options;
    const session = connect(`http://${this.address}`, {
      // With enablePush: false, a PUSH_PROMISE is a connection error (RFC 9113, 6.6): Bun ends the
      // connection (nghttp2 too once the server has acknowledged the setting, and resets the
      // pushed stream before), so nothing pushed is ever buffered. Left on (Bun's and Node's
      // default), Bun accepted each pushed stream and held it, up to 200 of them.
      settings: {
        initialWindowSize: windowBytes,
        enablePush: false,
        maxHeaderListSize: maxHeaderListBytes,
      },
      maxSessionMemory: maxSessionMemoryMb,
    });
    if (this.#inFlight === 0) {
      session.unref();
    }
    this.#session = session;
    let connected = false;
    const forget = (): void => {
      if (this.#session === session) {
        this.#session = undefined;
      }
    };
    session.once("connect", () => {
      connected = true;
      session.setLocalWindowSize(windowBytes);
      this.#failure = undefined;
      this.#backoffMs = this.options.initialBackoffMs;
      this.#keepAlive(session);
    });
    session.on("error", (error: Error) => {
      if (connected) {
        return; // a dropped connection: its calls fail UNAVAILABLE, the next call reconnects
      }
      this.#failure = { message: error.message, until: Date.now() + this.#backoffMs };
      this.#backoffMs = Math.min(this.#backoffMs * 2, this.options.maxBackoffMs);
    });
    // A server going away (shutting down, restarting) lets its calls finish; new calls go to
    // a new connection.
    session.on("goaway", forget);
    session.on("close", forget);
    return session;
  }

  #keepAlive(session: ClientHttp2Session): void {
    clearInterval(this.#keepalive);
    const { keepaliveTimeMs, keepaliveTimeoutMs } = this.options;
    this.#keepalive = setInterval(() => {
      if (session.closed || session.destroyed) {
        clearInterval(this.#keepalive);
        return;
      }
      const unanswered = setTimeout(
        () => session.destroy(new Error(`keepalive ping unanswered for ${keepaliveTimeoutMs} ms`)),
        keepaliveTimeoutMs,
      );
      unanswered.unref();
      const sent = session.ping(() => clearTimeout(unanswered));
      if (!sent) {
        clearTimeout(unanswered);
      }
    }, keepaliveTimeMs);
    this.#keepalive.unref();
  }
}
