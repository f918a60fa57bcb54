import { Metadata } from "@grpc/grpc-js";
import { unauthenticated } from "../errors.ts";
import { requireUuid } from "../validate.ts";

/** Who is calling, and how long they are willing to wait. */
export interface Caller {
  /** The authenticated user, as vouched for by the gateway. */
  userId: string;
  /** Aborts when the call's deadline passes or the client goes away; pass it to queries. */
  signal: AbortSignal;
}

// The one place that decides how a caller's identity travels; the gateway issue adds a signature.
const USER_ID_KEY = "x-user-id";

/** Reads the caller's user id from call metadata, or throws UNAUTHENTICATED. */
export function readCallerId(metadata: Metadata): string {
  const [value] = metadata.get(USER_ID_KEY);
  if (typeof value !== "string" || value === "") {
    throw unauthenticated(`missing caller identity (${USER_ID_KEY} metadata)`);
  }
  try {
    return requireUuid(value, USER_ID_KEY);
  } catch {
    throw unauthenticated(`malformed caller identity (${USER_ID_KEY} metadata)`);
  }
}

/** Metadata that identifies `userId` as the caller. */
export function callerMetadata(userId: string): Metadata {
  const metadata = new Metadata();
  metadata.set(USER_ID_KEY, userId);
  return metadata;
}
