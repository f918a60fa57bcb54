import type { OutgoingHttpHeaders } from "node:http2";
import { status, statusName } from "../wire/status.ts";
import type { StatusAnswer } from "./server-call.ts";

// The headers a gRPC response starts with, and the status that ends it: in trailers after a
// message, or alone in the one HEADERS frame (Trailers-Only) when the call fails with none.

/** The response headers of a call that answers with a message. */
export const RESPONSE_HEADERS: OutgoingHttpHeaders = {
  ":status": 200,
  "content-type": "application/grpc",
  "grpc-accept-encoding": "identity",
};

/** The trailers of a call answered OK. */
export const OK_TRAILERS: OutgoingHttpHeaders = { "grpc-status": "0" };

/** A failed call's Trailers-Only response: headers and status in one frame. */
export function trailersOnly(answer: StatusAnswer): OutgoingHttpHeaders {
  return { ...statusTrailers(answer), ...RESPONSE_HEADERS };
}

/**
 * The status of a call whose headers went out already (a stream that had written messages), as
 * its trailers: no pseudo-header or content-type, which trailers may not carry.
 */
export function statusTrailers(answer: StatusAnswer): OutgoingHttpHeaders {
  return {
    ...answer.metadata,
    "grpc-status": String(statusName(answer.code) === undefined ? status.UNKNOWN : answer.code),
    "grpc-message": percentEncoded(answer.details ?? ""),
  };
}

/**
 * grpc-message as PROTOCOL-HTTP2.md has it: UTF-8, every byte outside printable ASCII (0x20-0x7E)
 * and "%" itself percent-encoded, the rest as is. `encodeURIComponent` alone would also encode
 * ":" and such, which a client leaves as "%3A"; lone surrogates are made well-formed first.
 */
export function percentEncoded(message: string): string {
  return message.toWellFormed().replace(/[^\x20-\x24\x26-\x7e]+/gu, encodeURIComponent);
}
