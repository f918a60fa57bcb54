import { MAX_MESSAGE_BYTES } from "../wire/limits.ts";

// What one client may hold of the server at once, beyond the per-stream bounds the SETTINGS carry
// (wire/limits.ts). Without them one connection could buffer 100 streams x 4 MiB of requests it
// never finishes for the 30 s body timeout (~400 MiB), and connections were not counted at all.

/**
 * Bytes of requests not yet whole that one connection may hold: four of the largest requests
 * (16 MiB and their prefixes). Enough for a client's largest calls to overlap, a 25th of what 100
 * streams could otherwise hold; grpc-go's flow control lets a peer have at most 16 MiB in flight
 * on a connection too (its BDP-grown window stops there). A request whose bytes would pass it
 * fails RESOURCE_EXHAUSTED; the connection's other calls go on.
 */
export const MAX_UNFINISHED_REQUEST_BYTES: number = 4 * (MAX_MESSAGE_BYTES + 5);

/**
 * Open connections per server: the kit's clients open one per server address each, so a service
 * behind a few hundred gateway and service replicas stays far below it; past it a connection is
 * closed as it is accepted, before it is read. 1,000 idle connections, each after one call, cost
 * the server ~21 MiB of RSS (Bun 1.4.5, measured), so the cap holds memory far below the host's.
 */
export const MAX_CONNECTIONS: number = 1_000;

/** Refused connections are reported once per this window, however many arrive in it. */
export const REFUSAL_REPORT_MS: number = 10_000;

export interface ServerBounds {
  /** Default MAX_CONNECTIONS. */
  maxConnections?: number;
  /** Default MAX_UNFINISHED_REQUEST_BYTES. */
  maxUnfinishedRequestBytes?: number;
  /** Told how many connections the cap refused: once per `refusalReportMs` at most. */
  onConnectionsRefused?: (refused: number) => void;
  /** Default REFUSAL_REPORT_MS. */
  refusalReportMs?: number;
}

/** The bytes one connection's calls hold of requests not yet whole, against its bound. */
export interface UnfinishedRequests {
  held: number;
  readonly limit: number;
}
