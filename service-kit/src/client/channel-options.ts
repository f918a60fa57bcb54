/** How the kit's HTTP/2 channel connects, and what one connection may cost. */
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
  /** Calls in flight at once; more wait for one to end per channel, whatever the replicas (see limits.ts). */
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
  /**
   * Ask the resolver for the name's addresses again after this long, on the next call (besides
   * after every lost connection): new replicas get calls, vanished ones are let go. Default 30 s.
   */
  resolveEveryMs?: number;
}
