import { status } from "@grpc/grpc-js";
import { RpcException } from "@nestjs/microservices";

// The same opaque token as Trellis's notes service: base64url of a prefix and the last note's id.
const PREFIX = "notes.v1:";
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodePageToken(lastId: string): string {
  return Buffer.from(PREFIX + lastId).toString("base64url");
}

/** The note id a token resumes after; null for the first page. Errors: INVALID_ARGUMENT. */
export function decodePageToken(token: string): string | null {
  if (token === "") {
    return null;
  }
  const decoded = BASE64URL.test(token) ? Buffer.from(token, "base64url").toString() : "";
  const id = decoded.slice(PREFIX.length);
  if (!decoded.startsWith(PREFIX) || !UUID.test(id)) {
    throw new RpcException({
      code: status.INVALID_ARGUMENT,
      message: "page_token: not a token issued by this service",
    });
  }
  return id;
}
