import { status } from "./status.ts";

// gRPC's length-prefixed message on HTTP/2: one byte "compressed" flag, four bytes of length
// (big-endian), the message. The kit never negotiates compression. Both of the kit's ends frame
// and read messages here: the client its requests and responses, the server the other way round.

const PREFIX_BYTES = 5;

/** Why a body is not one unary message: the status the receiving end fails the call with. */
export interface FrameProblem {
  code: status;
  details: string;
}

/** `message` as the body of a unary request or response. */
export function frameMessage(message: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(PREFIX_BYTES + message.length);
  framed[0] = 0;
  framed.writeUInt32BE(message.length, 1);
  framed.set(message, PREFIX_BYTES);
  return framed;
}

/**
 * The declared length of the message whose prefix starts `chunk`, to refuse an oversized
 * message before it is all received; undefined while fewer than 5 bytes arrived.
 */
export function declaredLength(chunk: Buffer): number | undefined {
  return chunk.length < PREFIX_BYTES ? undefined : chunk.readUInt32BE(1);
}

/** The one message of a unary body, or why the body is not one. */
export function unaryMessage(body: Buffer): Buffer | FrameProblem {
  if (body.length === 0) {
    return { code: status.UNIMPLEMENTED, details: "No message received" };
  }
  if (body.length < PREFIX_BYTES) {
    return { code: status.INTERNAL, details: "Received a truncated message" };
  }
  if (body[0] !== 0) {
    return {
      code: status.INTERNAL,
      details: "Received a compressed message; none was negotiated",
    };
  }
  const end = PREFIX_BYTES + body.readUInt32BE(1);
  if (end > body.length) {
    return { code: status.INTERNAL, details: "Received a truncated message" };
  }
  if (end < body.length) {
    return { code: status.UNIMPLEMENTED, details: "Too many messages received" };
  }
  return body.subarray(PREFIX_BYTES);
}

/**
 * `application/grpc`, alone or followed by `+` (a codec: grpc-js sends `+proto`) or `;`
 * (parameters), as PROTOCOL-HTTP2.md and grpc-go accept it; media types are case-insensitive.
 */
export function isGrpcContentType(value: string | undefined): boolean {
  if (value === "application/grpc" || value === "application/grpc+proto") {
    return true; // what the kit and grpc-js send: no allocation on the hot path
  }
  return value !== undefined && /^application\/grpc([+;]|$)/i.test(value);
}
