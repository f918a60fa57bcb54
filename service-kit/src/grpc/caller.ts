import { createHmac, timingSafeEqual } from "node:crypto";
import { Metadata } from "@grpc/grpc-js";
import { unauthenticated } from "../errors.ts";

/** Who is calling, and how long they are willing to wait. */
export interface Caller {
  /** The authenticated user, as vouched for by the gateway's signature. */
  userId: string;
  /** Aborts when the call's deadline passes or the client goes away; pass it to queries. */
  signal: AbortSignal;
}

/**
 * The subject of calls the gateway makes on no user's behalf (e.g. completing a login).
 * Only RPCs bound with `anonymous()` accept it.
 */
export const GATEWAY_SUBJECT = "gateway";

// The one place that decides how identity travels between the gateway and services:
//   x-trellis-caller: v1.<subject>.<expires, unix seconds>.<base64url HMAC-SHA256>
// The MAC covers "v1.<subject>.<expires>" under a secret only the gateway and services share,
// so a client that reaches a service directly cannot claim to be anyone.
const CALLER_KEY = "x-trellis-caller";
const VERSION = "v1";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Long enough for any call's deadline, short enough that a leaked header soon expires. */
const SIGNATURE_TTL_SECONDS = 60;

/** Signs `subject` (a user id, or GATEWAY_SUBJECT) as the caller of one call. */
export function callerMetadata(
  subject: string,
  secret: string,
  nowMs: number = Date.now(),
): Metadata {
  const expires = Math.floor(nowMs / 1000) + SIGNATURE_TTL_SECONDS;
  const payload = `${VERSION}.${subject}.${expires}`;
  const metadata = new Metadata();
  metadata.set(CALLER_KEY, `${payload}.${mac(payload, secret)}`);
  return metadata;
}

/**
 * The subject of a call's signed identity: a lower-case user id or GATEWAY_SUBJECT. Throws
 * UNAUTHENTICATED when the identity is missing, malformed, forged or expired; the message never
 * says which, so it teaches a forger nothing.
 */
export function verifyCaller(
  metadata: Metadata,
  secret: string,
  nowMs: number = Date.now(),
): string {
  const [value] = metadata.get(CALLER_KEY);
  if (typeof value !== "string" || value === "") {
    throw unauthenticated(`missing caller identity (${CALLER_KEY} metadata)`);
  }
  const parts = value.split(".");
  const [version, subject, expires, signature] = parts;
  const valid =
    parts.length === 4 &&
    version === VERSION &&
    subject !== undefined &&
    (subject === GATEWAY_SUBJECT || UUID.test(subject)) &&
    expires !== undefined &&
    /^\d{1,12}$/.test(expires) &&
    Number(expires) * 1000 >= nowMs &&
    signature !== undefined &&
    sameBytes(signature, mac(`${version}.${subject}.${expires}`, secret));
  if (!valid || subject === undefined) {
    throw unauthenticated(`invalid caller identity (${CALLER_KEY} metadata)`);
  }
  return subject;
}

function mac(payload: string, secret: string): string {
  return createHmac("sha256", secret).update(payload).digest("base64url");
}

function sameBytes(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
