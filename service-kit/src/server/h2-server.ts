import {
  createServer,
  type Http2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from "node:http2";
import { MAX_CONCURRENT_STREAMS, MAX_HEADER_LIST_BYTES } from "../wire/limits.ts";
import { isGrpcContentType } from "../wire/message-frame.ts";
import { status } from "../wire/status.ts";
import { BurstCount } from "./burst-count.ts";
import { IncomingCall } from "./incoming-call.ts";
import type { MethodRoute } from "./method-route.ts";
import { refuseStream } from "./refuse-stream.ts";
import {
  MAX_CONNECTIONS,
  MAX_UNFINISHED_REQUEST_BYTES,
  REFUSAL_REPORT_MS,
  type ServerBounds,
  type UnfinishedRequests,
} from "./server-bounds.ts";
import {
  REQUEST_BODY_TIMEOUT_MS,
  type SessionLifetimeOptions,
  watchSession,
} from "./session-lifetime.ts";
import { trailersOnly } from "./status-headers.ts";

/**
 * The kit's gRPC server on node:http2: unary methods, and server-streaming ones for health Watch.
 * It owns the connections so it can ping, age and drain them, and bounds what a client may hold
 * (`server-bounds.ts`); `error` events of streams and connections are a call or a connection
 * lost, never a crash.
 */
export class H2GrpcServer {
  private readonly server: Http2Server;
  private readonly sessions = new Map<ServerHttp2Session, SessionState>();
  private draining = false;
  /** Connections closed with calls still running (their grace over). */
  private cut = 0;

  private readonly requestBodyTimeoutMs: number;
  private readonly maxUnfinishedRequestBytes: number;
  /** Connections the cap refused, reported once per burst. */
  private readonly refused: BurstCount;

  constructor(
    private readonly routes: ReadonlyMap<string, MethodRoute>,
    private readonly lifetime: SessionLifetimeOptions,
    bounds: ServerBounds = {},
  ) {
    this.requestBodyTimeoutMs = lifetime.requestBodyTimeoutMs ?? REQUEST_BODY_TIMEOUT_MS;
    this.maxUnfinishedRequestBytes =
      bounds.maxUnfinishedRequestBytes ?? MAX_UNFINISHED_REQUEST_BYTES;
    this.refused = new BurstCount(
      bounds.refusalReportMs ?? REFUSAL_REPORT_MS,
      bounds.onConnectionsRefused ?? ignore,
    );
    // What one connection may hold, as the kit's client limits itself (wire/limits.ts): without
    // them a client could open streams without end, each buffering up to MAX_MESSAGE_BYTES.
    this.server = createServer({
      settings: {
        maxConcurrentStreams: MAX_CONCURRENT_STREAMS,
        maxHeaderListSize: MAX_HEADER_LIST_BYTES,
      },
    });
    this.server.on("session", (session) => this.onSession(session));
    this.server.on("stream", (stream, headers) =>
      this.onStream(stream as ServerHttp2Stream, headers),
    );
    this.server.on("sessionError", ignore);
    // net.Server's own cap, which Bun's node:http2 server honours (measured on 1.4.5): a
    // connection past it is closed as it is accepted, before its preface is read, and 'drop'
    // tells; one that closes frees its place.
    this.server.maxConnections = bounds.maxConnections ?? MAX_CONNECTIONS;
    this.server.on("drop", () => this.refused.add());
  }

  /** Listens on `host`:`port` (0: a free one); resolves with the port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        this.server.on("error", ignore);
        const address = this.server.address();
        resolve(typeof address === "object" && address !== null ? address.port : port);
      });
    });
  }

  /**
   * Stops taking connections, sends every connection GOAWAY (new streams are refused), waits for
   * the calls in flight up to `graceMs`, then closes what is left. Resolves with how many
   * connections had to be cut.
   */
  async drain(graceMs: number): Promise<number> {
    this.draining = true;
    this.server.close();
    const cutBefore = this.cut;
    for (const session of this.sessions.keys()) {
      this.retire(session, graceMs);
    }
    // A connection already retiring for its age may have a longer grace than the drain's.
    const deadline = Date.now() + graceMs;
    while (this.sessions.size > 0 && Date.now() < deadline) {
      await Bun.sleep(5);
    }
    for (const session of this.sessions.keys()) {
      this.cutOff(session);
    }
    this.sessions.clear();
    this.refused.flush();
    return this.cut - cutBefore;
  }

  private onSession(session: ServerHttp2Session): void {
    session.on("error", ignore);
    if (this.draining) {
      session.destroy();
      return;
    }
    const state: SessionState = {
      retiring: false,
      stop: () => {},
      unfinished: { held: 0, limit: this.maxUnfinishedRequestBytes },
    };
    this.sessions.set(session, state);
    state.stop = watchSession(session, this.lifetime, (aged, graceMs) =>
      this.retire(aged, graceMs),
    );
    session.once("close", () => {
      state.stop();
      this.sessions.delete(session);
    });
  }

  /** GOAWAY: the connection's calls may finish, for `graceMs` at most, then it closes. */
  private retire(session: ServerHttp2Session, graceMs: number): void {
    const state = this.sessions.get(session);
    if (state === undefined || state.retiring) {
      return;
    }
    state.retiring = true;
    if (!session.closed && !session.destroyed) {
      session.close();
    }
    const force = setTimeout(() => this.cutOff(session), graceMs);
    session.once("close", () => clearTimeout(force));
  }

  /** Closes a connection whose calls outlived their grace: they fail on the client's side. */
  private cutOff(session: ServerHttp2Session): void {
    if (!session.destroyed) {
      this.cut += 1;
      session.destroy();
    }
  }

  private onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    stream.on("error", ignore);
    if (!isGrpcContentType(headers["content-type"])) {
      refuseStream(stream, { ":status": 415 });
      return;
    }
    const path = headers[":path"] ?? "";
    const route = this.routes.get(path);
    if (route === undefined) {
      refuseStream(
        stream,
        trailersOnly({
          code: status.UNIMPLEMENTED,
          details: `The server does not implement the method ${path.slice(0, 200)}`,
        }),
      );
      return;
    }
    // A stream of a connection the server no longer tracks (destroyed as the drain began) is
    // bounded alone.
    const unfinished = this.sessions.get(stream.session as ServerHttp2Session)?.unfinished ?? {
      held: 0,
      limit: this.maxUnfinishedRequestBytes,
    };
    new IncomingCall(stream, headers, route, this.requestBodyTimeoutMs, unfinished);
  }
}

interface SessionState {
  retiring: boolean;
  stop(): void;
  /** What the connection's calls hold of requests not yet whole. */
  unfinished: UnfinishedRequests;
}

function ignore(): void {}
