import type { ServerHttp2Session } from "node:http2";

// What the server does to each connection over its life, as grpc-js's server did with the kit's
// options: keepalive (a PING every `keepaliveTimeMs`; unanswered for `keepaliveTimeoutMs`, the
// connection is dropped: its peer vanished without closing it) and a maximum age (GOAWAY, with
// +/-10% jitter so a client's connections do not all go at once, then `maxAgeGraceMs` for its
// calls before it is closed). Client pings are answered by node:http2 itself, at any rate, as
// grpc-js's server accepts them (it enforces no minimum interval).

export interface SessionLifetimeOptions {
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  /** 0: no maximum age. */
  maxAgeMs: number;
  maxAgeGraceMs: number;
  /**
   * How long a request may take to arrive whole (END_STREAM) when its deadline is later or
   * absent; past it the call fails DEADLINE_EXCEEDED and its bytes are dropped. Default
   * REQUEST_BODY_TIMEOUT_MS.
   */
  requestBodyTimeoutMs?: number;
}

/**
 * 30 s for a request of at most 4 MiB to arrive: a client that never finishes one would
 * otherwise hold its buffered bytes for as long as its connection lives.
 */
export const REQUEST_BODY_TIMEOUT_MS = 30_000;

/** Starts the connection's timers; the returned function stops them (on close). */
export function watchSession(
  session: ServerHttp2Session,
  options: SessionLifetimeOptions,
  /** Sends GOAWAY, lets the connection's calls finish, and closes it after `graceMs`. */
  retire: (session: ServerHttp2Session, graceMs: number) => void,
): () => void {
  let unanswered: ReturnType<typeof setTimeout> | undefined;
  const keepalive = setInterval(() => {
    if (unanswered !== undefined || session.destroyed) {
      return; // one ping at a time
    }
    unanswered = setTimeout(() => session.destroy(), options.keepaliveTimeoutMs);
    const sent = session.ping(() => {
      clearTimeout(unanswered);
      unanswered = undefined;
    });
    if (!sent) {
      clearTimeout(unanswered);
      unanswered = undefined;
    }
  }, options.keepaliveTimeMs);
  const age =
    options.maxAgeMs > 0
      ? setTimeout(() => retire(session, options.maxAgeGraceMs), jittered(options.maxAgeMs))
      : undefined;
  return () => {
    clearInterval(keepalive);
    clearTimeout(unanswered);
    clearTimeout(age);
  };
}

/**
 * `ms` +/- 10%, as grpc-js jitters max_connection_age_ms. From the CSPRNG, as the source rules
 * ask of session code; a few bytes per connection cost nothing.
 */
function jittered(ms: number): number {
  const [word = 0] = crypto.getRandomValues(new Uint32Array(1));
  return ms * (0.9 + (word / 2 ** 32) * 0.2);
}
