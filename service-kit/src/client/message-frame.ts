import { status } from "@grpc/grpc-js";
import { CallError } from "./call-error.ts";

// gRPC's length-prefixed message on HTTP/2: one byte "compressed" flag, four bytes of length
// (big-endian), the message. The kit never negotiates compression.

const PREFIX_BYTES = 5;

/** `message` as the body of a unary request. */
export function frameMessage(message: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(PREFIX_BYTES + message.length);
  framed[0] = 0;
  framed.writeUInt32BE(message.length, 1);
  framed.set(message, PREFIX_BYTES);
  return framed;
}

/**
 * The declared length of the message whose prefix starts `chunk`, to refuse an oversized
 * response before it is all received; undefined while fewer than 5 bytes arrived.
 */
export function declaredLength(chunk: Buffer): number | undefined {
  return chunk.length < PREFIX_BYTES ? undefined : chunk.readUInt32BE(1);
}

/** The one message of a unary response body, or why the body is not one. */
export function unaryMessage(body: Buffer): Buffer | CallError {
  if (body.length === 0) {
    return new CallError(status.UNIMPLEMENTED, "No message received");
  }
  if (body.length < PREFIX_BYTES) {
    return new CallError(status.INTERNAL, "Received a truncated message");
  }
  if (body[0] !== 0) {
    return new CallError(status.INTERNAL, "Received a compressed message; none was negotiated");
  }
  const end = PREFIX_BYTES + body.readUInt32BE(1);
  if (end > body.length) {
    return new CallError(status.INTERNAL, "Received a truncated message");
  }
  if (end < body.length) {
    return new CallError(status.UNIMPLEMENTED, "Too many responses received");
  }
  return body.subarray(PREFIX_BYTES);
}
