// What one gRPC connection may cost, set on the kit's client and server from one place so the two
// sides agree. Each bound is there so a peer that misbehaves (a bug, a compromised service, a
// wrong address) costs a failed call rather than the caller's memory.

/**
 * The largest message either side sends or accepts: 4 MiB, grpc-js's receive default and what
 * every gRPC implementation assumes unless told otherwise. The kit's server would otherwise send
 * messages of any size (grpc-js's send default), which the kit's client then refuses after
 * reading; with the same bound on both sides an oversized answer fails where it is made.
 */
export const MAX_MESSAGE_BYTES: number = 4 * 1024 * 1024;

/**
 * The largest header list (response headers, or trailers) the client accepts, counted as HTTP/2
 * does: name + value + 32 bytes per field. 16 KiB is gRPC C++'s default hard limit on received
 * metadata (its soft limit is the 8 KiB PROTOCOL-HTTP2.md suggests; grpc-go allows 16 MiB,
 * node:http2 and Bun 64 KiB). The longest header the kit's own server sends is grpc-message,
 * clipped to 1,000 UTF-16 units (bind-service.ts): at most ~9,000 bytes percent-encoded. Bun
 * honours the setting (measured on 1.4.5): a larger list resets the stream
 * with ENHANCE_YOUR_CALM (RESOURCE_EXHAUSTED) and the connection stays up; a header block over
 * ~64 KiB ends the whole connection (COMPRESSION_ERROR), whatever the setting.
 */
export const MAX_HEADER_LIST_BYTES: number = 16 * 1024;

/**
 * Calls in flight on one connection; further calls wait for one to end, within their deadline.
 * node:http2 (nghttp2) assumes 100 until the server's SETTINGS arrive (`peerMaxConcurrentStreams`)
 * and then holds extra streams back to the server's SETTINGS_MAX_CONCURRENT_STREAMS; grpc-go does
 * the same. Bun holds back to the server's value too, but has no `peerMaxConcurrentStreams`, and
 * grpc-js servers advertise no limit at all, so the kit counts its own. 100 x (MAX_MESSAGE_BYTES +
 * two header lists) bounds what one connection may hold of answers at ~403 MiB; the services behind
 * it run 10 database connections each, so more calls in flight would only queue there.
 */
export const MAX_CONCURRENT_STREAMS: number = 100;

/**
 * node:http2's `maxSessionMemory`, in MB: beyond it, new streams are refused (ENHANCE_YOUR_CALM,
 * so RESOURCE_EXHAUSTED). In Node it counts nghttp2's whole session; in Bun (1.4.5, measured)
 * only request bytes queued because the server grants no flow-control window, which is what a
 * server that stops reading would grow. Two of the largest requests fit.
 */
export const MAX_SESSION_MEMORY_MB: number = (2 * MAX_MESSAGE_BYTES) / (1024 * 1024);

/** The limits above as the options of an Http2Channel. */
export const channelLimits: {
  maxConcurrentStreams: number;
  maxHeaderListBytes: number;
  maxSessionMemoryMb: number;
} = {
  maxConcurrentStreams: MAX_CONCURRENT_STREAMS,
  maxHeaderListBytes: MAX_HEADER_LIST_BYTES,
  maxSessionMemoryMb: MAX_SESSION_MEMORY_MB,
};
