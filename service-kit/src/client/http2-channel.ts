import { type ClientHttp2Session, connect, constants } from "node:http2";
import { connect as connectTcp } from "node:net";
import { status } from "@grpc/grpc-js";
import { CallError } from "./call-error.ts";
import { watchHealth } from "./health-watch.ts";
import { StreamSlots } from "./stream-slots.ts";
import { type ResolveTargets, resolveTargets, type Target } from "./targets.ts";
import { type UnaryRequest, unaryCall } from "./unary-call.ts";
import { untilDeadline } from "./until-deadline.ts";

export interface ChannelOptions {
  /** HTTP/2 receive window, of the connection and of each stream. */
  windowBytes: number;
  /** Ping the server this often, busy or idle... */
  keepaliveTimeMs: number;
  /** ...and close the connection when a ping is not answered within this. */
  keepaliveTimeoutMs: number;
  /**
   * After every address failed to connect, calls fail at once (UNAVAILABLE) for this long,
   * doubling with each failure in a row up to `maxBackoffMs`.
   */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Calls in flight at once; more wait for one to end (see limits.ts for all three). */
  maxConcurrentStreams: number;
  /** The largest response header list, or trailer list, accepted. */
  maxHeaderListBytes: number;
  /** node:http2's `maxSessionMemory`, in MB. */
  maxSessionMemoryMb: number;
  /** An address that does not accept the connection within this is given up for the next. */
  connectTimeoutMs?: number;
  /** Ask the server whether it is draining this often (see health-watch.ts); 0 or unset: never. */
  healthPollMs?: number;
  /**
   * Calls one connection carries before new calls go to a new one (it closes once its calls end).
   * Client stream ids are odd and below 2^31, so a connection opens at most 2^30 streams.
   */
  maxStreamsPerConnection?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

// 2^30 ids less 2^24 kept for the health polls, which are not counted: at one a second, 194 days'
// worth. A connection that still runs out is replaced when it says so (ERR_HTTP2_OUT_OF_STREAMS).
const DEFAULT_MAX_STREAMS_PER_CONNECTION = 2 ** 30 - 2 ** 24;

/**
 * A server that finds the pings too frequent ends the connection with ENHANCE_YOUR_CALM and
 * "too_many_pings" (gRPC's client-side keepalive spec, A8); the interval then doubles, up to
 * 5 minutes, grpc-go's default minimum.
 */
const MAX_KEEPALIVE_TIME_MS = 5 * 60_000;
const TOO_MANY_PINGS = Buffer.from("too_many_pings");

/** An address the channel stays away from while another is available, and until when. */
const AVOID_DRAINING_MS = 60_000;

/**
 * One HTTP/2 connection at a time to a gRPC server named `host:port`, opened on the first call
 * and again after it closes (the server restarted, went away, or stopped answering pings). The
 * name may stand for several replicas: each new connection goes to an address that is neither
 * draining nor refusing, when there is one, so a replica that reports NOT_SERVING (see
 * health-watch.ts) or refuses the connection does not fail calls another one can take. Calls made
 * while it connects wait for it; calls made soon after every address failed fail at once, so a
 * server that is down costs no connection attempt per call. A call the server never processed
 * (refused stream, above a GOAWAY) is made once more, on a connection that can take it.
 */
export class Http2Channel {
  #session: ClientHttp2Session | undefined;
  #connecting: Promise<ClientHttp2Session | CallError> | undefined;
  #inFlight = 0;
  #keepalive: ReturnType<typeof setInterval> | undefined;
  #stopHealthWatch: (() => void) | undefined;
  #failure: { message: string; until: number } | undefined;
  #backoffMs: number;
  #closed = false;
  /** Streams opened on the current session. */
  #streams = 0;
  readonly #maxStreams: number;
  #keepaliveTimeMs: number;
  readonly #avoid = new Map<string, number>();
  readonly #slots: StreamSlots;

  constructor(
    readonly address: string,
    private readonly options: ChannelOptions,
    private readonly resolve: ResolveTargets = resolveTargets,
  ) {
    this.#backoffMs = options.initialBackoffMs;
    this.#maxStreams = options.maxStreamsPerConnection ?? DEFAULT_MAX_STREAMS_PER_CONNECTION;
    this.#keepaliveTimeMs = options.keepaliveTimeMs;
    this.#slots = new StreamSlots(options.maxConcurrentStreams);
  }

  /**
   * One unary call (see unaryCall) on the connection, opening it first when there is none. Time
   * spent waiting for a stream or a connection comes out of the call's deadline.
   */
  async unary(
    request: Omit<UnaryRequest, "maxResponseBytes">,
    maxResponseBytes: number,
  ): Promise<Buffer> {
    const started = performance.now();
    if (!this.#slots.tryTake()) {
      const ended = await this.#slots.wait(request.timeoutMs, request.signal);
      if (ended !== null) {
        throw ended;
      }
    }
    try {
      // One object per call, whose timeoutMs is what is left of the deadline at each attempt.
      const call = { ...request, maxResponseBytes };
      return await this.#call(call, started + request.timeoutMs, true);
    } finally {
      this.#slots.release();
    }
  }

  /** The interval between keepalive pings now: it grows when a server says too_many_pings. */
  get keepaliveTimeMs(): number {
    return this.#keepaliveTimeMs;
  }

  async #call(request: UnaryRequest, deadline: number, mayRetry: boolean): Promise<Buffer> {
    let session = this.#usableSession();
    while (session === undefined) {
      this.#connecting ??= this.#connect().finally(() => {
        this.#connecting = undefined;
      });
      session = await untilDeadline(this.#connecting, deadline - performance.now(), request.signal);
      if (!(session instanceof CallError) && session !== this.#session) {
        // Replaced while this call waited (its streams were used up, or it went away).
        session = this.#usableSession();
      }
    }
    if (session instanceof CallError) {
      throw session;
    }
    if (++this.#inFlight === 1) {
      session.ref(); // an idle channel does not keep the process alive; a call does
    }
    try {
      request.timeoutMs = deadline - performance.now();
      const answer = unaryCall(session, request);
      if (++this.#streams >= this.#maxStreams) {
        this.#forget(session, true); // new calls open a new connection; this one ends with its calls
      }
      return await answer;
    } catch (error) {
      if (!(mayRetry && error instanceof CallError && error.unprocessed)) {
        throw error;
      }
      if (error.connectionSpent) {
        this.#forget(session, true);
      }
      return this.#call(request, deadline, false);
    } finally {
      if (--this.#inFlight === 0) {
        this.#session?.unref();
      }
    }
  }

  /** Closes the connection; calls after this fail UNAVAILABLE. */
  close(): void {
    this.#closed = true;
    this.#forget();
  }

  /** The open connection, a CallError when calls must fail at once, or undefined: connect. */
  #usableSession(): ClientHttp2Session | CallError | undefined {
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
    return undefined;
  }

  /** Resolves the name, then tries its addresses, preferred first, until one connects. */
  async #connect(): Promise<ClientHttp2Session | CallError> {
    let targets: Target[];
    try {
      targets = this.#preferred(await this.resolve(this.address));
    } catch (error) {
      return this.#allFailed(error instanceof Error ? error.message : String(error));
    }
    let reason = "the name resolved to no address";
    for (const target of targets) {
      const session = await this.#connectTo(target);
      if (this.#closed) {
        session instanceof Error || session.destroy();
        return new CallError(status.UNAVAILABLE, "Channel has been shut down");
      }
      if (!(session instanceof Error)) {
        this.#adopt(session, target);
        return session;
      }
      this.#avoid.set(target.key, Date.now() + this.#backoffMs);
      reason = session.message;
    }
    return this.#allFailed(reason);
  }

  #allFailed(message: string): CallError {
    this.#failure = { message, until: Date.now() + this.#backoffMs };
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.options.maxBackoffMs);
    return new CallError(status.UNAVAILABLE, message);
  }

  /**
   * Addresses to try in order: those not avoided, starting at a random one so that several
   * gateways spread over the replicas; then the avoided ones, soonest free first (a draining
   * server still answers, and a lone server that restarted is the only one there is).
   */
  #preferred(targets: Target[]): Target[] {
    const now = Date.now();
    const avoidedUntil = (target: Target): number => this.#avoid.get(target.key) ?? 0;
    const free = targets.filter((target) => avoidedUntil(target) <= now);
    const start = Math.floor(Math.random() * free.length);
    const avoided = targets
      .filter((target) => avoidedUntil(target) > now)
      .sort((a, b) => avoidedUntil(a) - avoidedUntil(b));
    return [...free.slice(start), ...free.slice(0, start), ...avoided];
  }

  /** Opens a connection to one address: the session once connected, or why it did not. */
  #connectTo(target: Target): Promise<ClientHttp2Session | Error> {
    const { windowBytes, maxHeaderListBytes, maxSessionMemoryMb } = this.options;
    // The name stays the :authority; the socket goes to the address chosen.
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
      createConnection: () => connectTcp({ host: target.host, port: target.port }),
    });
    session.unref();
    session.on("error", () => {}); // a dropped connection fails its calls; the next reconnects
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        session.destroy();
        resolve(new Error(`${target.key}: no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      session.once("connect", () => {
        clearTimeout(timer);
        resolve(session);
      });
      session.once("error", (error: Error) => {
        clearTimeout(timer);
        resolve(error);
      });
    });
  }

  /** Makes a connected session the channel's, and watches it. */
  #adopt(session: ClientHttp2Session, target: Target): void {
    if (this.#inFlight > 0) {
      session.ref();
    }
    this.#session = session;
    this.#streams = 0;
    session.setLocalWindowSize(this.options.windowBytes);
    this.#failure = undefined;
    this.#backoffMs = this.options.initialBackoffMs;
    this.#avoid.delete(target.key);
    this.#keepAlive(session);
    const pollMs = this.options.healthPollMs ?? 0;
    if (pollMs > 0) {
      this.#stopHealthWatch?.();
      this.#stopHealthWatch = watchHealth(session, pollMs, () => this.#draining(session, target));
    }
    // A server going away (shutting down, restarting) lets its calls finish; new calls go to
    // a new connection, elsewhere if the name has another address.
    session.on("goaway", (errorCode: number, _lastStreamId: number, data?: Buffer) => {
      if (errorCode === constants.NGHTTP2_ENHANCE_YOUR_CALM && data?.equals(TOO_MANY_PINGS)) {
        const doubled = Math.min(this.#keepaliveTimeMs * 2, MAX_KEEPALIVE_TIME_MS);
        this.#keepaliveTimeMs = Math.max(this.#keepaliveTimeMs, doubled);
      }
      this.#avoid.set(target.key, Date.now() + this.options.initialBackoffMs);
      this.#forget(session, false);
    });
    session.on("close", () => this.#forget(session, false));
  }

  /**
   * The server behind `session` said NOT_SERVING. When the name has another address, new calls
   * move to it now, while the draining server still finishes what it has; with none, they stay.
   */
  async #draining(session: ClientHttp2Session, target: Target): Promise<void> {
    this.#avoid.set(target.key, Date.now() + AVOID_DRAINING_MS);
    const others = await this.resolve(this.address).catch(() => []);
    if (others.some((other) => other.key !== target.key) && this.#session === session) {
      this.#forget(session, true);
    }
  }

  /** Drops the current connection (or only `session`, if it is still current). */
  #forget(session: ClientHttp2Session | undefined = this.#session, close = true): void {
    if (session === undefined || this.#session !== session) {
      if (close) {
        session?.close();
      }
      return;
    }
    this.#session = undefined;
    clearInterval(this.#keepalive);
    this.#stopHealthWatch?.();
    if (close) {
      session.close(); // in-flight calls finish first
    }
  }

  #keepAlive(session: ClientHttp2Session): void {
    clearInterval(this.#keepalive);
    const { keepaliveTimeoutMs } = this.options;
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
    }, this.#keepaliveTimeMs);
    this.#keepalive.unref();
  }
}
