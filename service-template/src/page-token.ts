import { invalidArgument, requireUuid } from "@trellis/service-kit";

const PREFIX = "notes.v1:";
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** An opaque token that resumes a listing after the note `lastId`. */
export function encodePageToken(lastId: string): string {
  return Buffer.from(PREFIX + lastId).toString("base64url");
}

/** The note id a token resumes after; null for the first page. Throws INVALID_ARGUMENT. */
export function decodePageToken(token: string): string | null {
  if (token === "") {
    return null;
  }
  const decoded = BASE64URL.test(token) ? Buffer.from(token, "base64url").toString() : "";
  if (!decoded.startsWith(PREFIX)) {
    throw invalidArgument("page_token: not a token issued by this service");
  }
  try {
    return requireUuid(decoded.slice(PREFIX.length), "page_token");
  } catch {
    throw invalidArgument("page_token: not a token issued by this service");
  }
}
