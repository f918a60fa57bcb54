import { constants, type OutgoingHttpHeaders, type ServerHttp2Stream } from "node:http2";

/**
 * Sends `headers` (a Trailers-Only status, or a 415) as the whole answer. A request not yet whole
 * then gets RST_STREAM(NO_ERROR) (RFC 9113, 8.1), as grpc-go sends: it tells the client to stop
 * sending, and ends a stream whose slot a client still sending would otherwise hold. A request
 * that ended with its HEADERS frame may get one too, before Bun has emitted its `end`: harmless
 * (RFC 9113 has clients ignore it), and `endAfterHeaders` cannot tell, as Bun 1.4.5 sets it on
 * every stream.
 */
export function refuseStream(stream: ServerHttp2Stream, headers: OutgoingHttpHeaders): void {
  stream.resume(); // what is left of the request is read and dropped, not left to stall
  stream.respond(headers, { endStream: true });
  if (!stream.readableEnded) {
    stream.close(constants.NGHTTP2_NO_ERROR);
  }
}
