import { type ClientHttp2Session, connect, constants } from "node:http2";
import { connect as connectTcp } from "node:net";
import { status } from "../wire/status.ts";
import { CallError } from "./call-error.ts";
import type { ChannelOptions } from "./channel-options.ts";
import { watchHealth } from "./health-watch.ts";
import type { Target } from "./targets.ts";
import { type UnaryRequest, unaryCall } from "./unary-call.ts";

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

/** How long an address that said NOT_SERVING is left alone while another is available. */
const AVOID_DRAINING_MS = 60_000;

/** How long an address whose connection went silent is left alone while another is available. */
const AVOID_SILENT_MS = 5_000;

/** What a subchannel shares with its channel. */
export interface SubchannelHost {
  readonly options: ChannelOptions;
  /** The name (`host:port`): every connection's :authority, whichever address it goes to. */
  readonly address: string;
  /** The ping interval, shared: a server's too_many_pings slows every connection of the name. */
  keepalive: { timeMs: number };
  /** A connection went away (GOAWAY, closed, dropped): the name's addresses may have changed. */
  lost(): void;
  /** Whether the name has an address besides `subchannel`'s to send calls to. */
  hasOthers(subchannel: Subchannel): boolean;
}

/**
 * One address of the name, and at most one HTTP/2 connection to it at a time: opened when the
 * channel asks (lazily), replaced when it wears out or goes away, left alone for a while after it
 * failed to connect (doubling backoff) or its server said it is draining.
 */
export class Subchannel {
  #session: ClientHttp2Session | undefined;
  #connecting: Promise<ClientHttp2Session | Error> | undefined;
  #inFlight = 0;
  /** Streams opened on the current session. */
  #streams = 0;
  #keepalive: ReturnType<typeof setInterval> | undefined;
  #stopHealthWatch: (() => void) | undefined;
  #backoffMs: number;
  /** Date.now() before which no connection is opened here unless no other address takes calls. */
  #avoidUntil = 0;
  #closed = false;
  readonly #maxStreams: number;

  constructor(
    readonly target: Target,
    private readonly host: SubchannelHost,
  ) {
    this.#backoffMs = host.options.initialBackoffMs;
    this.#maxStreams = host.options.maxStreamsPerConnection ?? DEFAULT_MAX_STREAMS_PER_CONNECTION;
  }

  /** Has an open connection that takes calls: the only check on a call's way (hot path). */
  get ready(): boolean {
    const session = this.#session;
    return session !== undefined && !session.closed && !session.destroyed;
  }

  /** Until when (Date.now()) the channel should prefer other addresses; 0 for never. */
  get avoidUntil(): number {
    return this.#avoidUntil;
  }

  /** Starts connecting when idle and not held back; the channel calls this on its way past. */
  wake(now: number): void {
    const idle = this.#session === undefined && this.#connecting === undefined;
    if (idle && !this.#closed && now >= this.#avoidUntil) {
      this.connect().catch(() => {});
    }
  }

  /** The open connection, once connected; or why not. One attempt at a time. */
  connect(): Promise<ClientHttp2Session | Error> {
    if (this.ready) {
      return Promise.resolve(this.#session as ClientHttp2Session);
    }
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  /** The open connection, when `ready`: what `start` is given. */
  get session(): ClientHttp2Session | undefined {
    return this.#session;
  }

  /**
   * Starts one call on `session`, this subchannel's open connection (the channel picked it
   * because it is `ready`); the channel calls `end` once the call settles. Not async, and the
   * channel's own async call frame awaits the answer: a second frame here cost a promise a call.
   * A connection that can open no more streams is given up as the call goes out.
   */
  start(session: ClientHttp2Session, request: UnaryRequest, deadline: number): Promise<Buffer> {
    if (++this.#inFlight === 1) {
      session.ref(); // an idle channel does not keep the process alive; a call does
    }
    request.timeoutMs = deadline - performance.now();
    const answer = unaryCall(session, request);
    if (++this.#streams >= this.#maxStreams) {
      this.#forget(session, true); // new calls open a new connection; this one ends with its calls
    }
    return answer;
  }

  /** A call `start`ed here settled; `spent`: its connection can take no new stream. */
  end(session: ClientHttp2Session, spent: boolean): void {
    if (spent) {
      this.#forget(session, true);
    }
    if (--this.#inFlight === 0) {
      this.#session?.unref();
    }
  }

  /** Takes no more calls; the open connection closes once its calls end (in-flight ones finish). */
  close(): void {
    this.#closed = true;
    this.#forget();
  }

  async #open(): Promise<ClientHttp2Session | Error> {
    const session = await this.#connectTo();
    if (this.#closed) {
      session instanceof Error || session.destroy();
      return new CallError(status.UNAVAILABLE, "Channel has been shut down");
    }
    if (session instanceof Error) {
      this.#avoidUntil = Date.now() + this.#backoffMs;
      this.#backoffMs = Math.min(this.#backoffMs * 2, this.host.options.maxBackoffMs);
      return session;
    }
    this.#adopt(session);
    return session;
  }

  /** Opens a connection to the address: the session once connected, or why it did not. */
  #connectTo(): Promise<ClientHttp2Session | Error> {
    const { options, address } = this.host;
    const { windowBytes, maxHeaderListBytes, maxSessionMemoryMb } = options;
    const { host, port, key } = this.target;
    // The name stays the :authority; the socket goes to this address.
    const session = connect(`http://${address}`, {
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
      createConnection: () => connectTcp({ host, port }),
    });
    session.unref();
    session.on("error", () => {}); // a dropped connection fails its calls; the next reconnects
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        session.destroy();
        resolve(new Error(`${key}: no connection within ${timeoutMs} ms`));
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

  /** Makes a connected session the subchannel's, and watches it. */
  #adopt(session: ClientHttp2Session): void {
    const { options } = this.host;
    if (this.#inFlight > 0) {
      session.ref();
    }
    this.#session = session;
    this.#streams = 0;
    session.setLocalWindowSize(options.windowBytes);
    this.#backoffMs = options.initialBackoffMs;
    this.#avoidUntil = 0;
    this.#keepAlive(session);
    const pollMs = options.healthPollMs ?? 0;
    if (pollMs > 0) {
      this.#stopHealthWatch?.();
      this.#stopHealthWatch = watchHealth(
        session,
        pollMs,
        () => this.#draining(session),
        () => this.#silent(session, pollMs),
      );
    }
    // A server going away (shutting down, restarting, or ending a connection at its maximum age)
    // lets its calls finish; new calls go to the name's other connections, or to a new one here.
    session.on("goaway", (errorCode: number, _lastStreamId: number, data?: Buffer) => {
      if (errorCode === constants.NGHTTP2_ENHANCE_YOUR_CALM && data?.equals(TOO_MANY_PINGS)) {
        const { keepalive } = this.host;
        keepalive.timeMs = Math.min(keepalive.timeMs * 2, MAX_KEEPALIVE_TIME_MS);
      }
      this.#lost(session);
    });
    session.on("close", () => this.#lost(session));
  }

  #lost(session: ClientHttp2Session): void {
    if (this.#session === session) {
      this.#forget(session, false);
      this.host.lost();
    }
  }

  /**
   * The server said NOT_SERVING. When the name has another address, new calls move to it now,
   * while the draining server still finishes what it has; with none, they stay.
   */
  #draining(session: ClientHttp2Session): void {
    this.#avoidUntil = Date.now() + AVOID_DRAINING_MS;
    if (this.#session === session && this.host.hasOthers(this)) {
      this.#forget(session, true);
    }
  }

  /**
   * A health Check went unanswered. One ping, answered by the peer's HTTP/2 stack, says whether
   * the connection is alive; unanswered within the poll interval too, the connection is dropped
   * (its calls fail UNAVAILABLE) and the address left alone for a while when the name has others:
   * a frozen process or a blackholed route still accepts TCP connections, and would take calls
   * again the moment a new one opened.
   */
  #silent(session: ClientHttp2Session, timeoutMs: number): void {
    pingOrDestroy(session, timeoutMs, "health check and ping unanswered", () => {
      this.#avoidUntil = Date.now() + AVOID_SILENT_MS;
    });
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
    const { keepaliveTimeoutMs } = this.host.options;
    this.#keepalive = setInterval(() => {
      if (session.closed || session.destroyed) {
        clearInterval(this.#keepalive);
        return;
      }
      pingOrDestroy(session, keepaliveTimeoutMs, "keepalive ping unanswered");
    }, this.host.keepalive.timeMs);
    this.#keepalive.unref();
  }
}

/** Pings `session` and destroys it (its calls fail UNAVAILABLE) unless acked within `timeoutMs`. */
function pingOrDestroy(
  session: ClientHttp2Session,
  timeoutMs: number,
  reason: string,
  onDestroy?: () => void,
): void {
  if (session.closed || session.destroyed) {
    return;
  }
  const unanswered = setTimeout(() => {
    onDestroy?.();
    session.destroy(new Error(`${reason} for ${timeoutMs} ms`));
  }, timeoutMs);
  unanswered.unref();
  const sent = session.ping(() => clearTimeout(unanswered));
  if (!sent) {
    clearTimeout(unanswered);
  }
}
