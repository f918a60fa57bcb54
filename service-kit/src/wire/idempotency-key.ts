/**
 * How an Idempotency-Key travels from the gateway to a service: the gateway takes it from the
 * HTTP header of a POST and forwards it as this gRPC metadata; bindService hands it to the
 * handler as `caller.idempotencyKey`.
 */
export const IDEMPOTENCY_KEY_METADATA = "idempotency-key";

/** Longest key accepted: room for a UUID with a prefix, short enough to index cheaply. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

// Visible ASCII only: HTTP strips a header value's outer spaces and may mangle other bytes, so a
// key with either would not reach the service as the client wrote it.
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * Why `value` is not an acceptable idempotency key, or null when it is. The reason names no
 * field: each edge prefixes the name its caller knows (the HTTP header or the metadata key).
 */
export function idempotencyKeyProblem(value: string): string | null {
  if (
    value.length === 0 ||
    value.length > MAX_IDEMPOTENCY_KEY_LENGTH ||
    !VISIBLE_ASCII.test(value)
  ) {
    return `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters (no spaces)`;
  }
  return null;
}
