import { idempotencyKeyProblem } from "@trellis/service-kit";
import { badRequest } from "../errors.ts";

/** The header a client sends to make a POST safe to retry; see the gateway's README. */
export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

/**
 * The request's Idempotency-Key, to forward to the service, or undefined when there is none or
 * the method is not POST (other methods are idempotent already, or not creates, and ignore it).
 * Throws 400 naming the header for a malformed key.
 */
export function idempotencyKeyOf(request: Request): string | undefined {
  const value = request.headers.get(IDEMPOTENCY_KEY_HEADER);
  if (request.method !== "POST" || value === null) {
    return undefined;
  }
  const problem = idempotencyKeyProblem(value);
  if (problem !== null) {
    throw badRequest(`${IDEMPOTENCY_KEY_HEADER}: ${problem}`);
  }
  return value;
}
