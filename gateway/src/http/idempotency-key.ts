import { idempotencyKeyProblem, MAX_IDEMPOTENCY_KEY_LENGTH } from "@trellis/service-kit";
import { badRequest } from "../errors.ts";

/** The header a client sends to make a POST safe to retry; see the gateway's README. */
export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

/**
 * Whether requests of `method` may carry an Idempotency-Key: POST alone. Other methods are
 * idempotent already, or not creates, and ignore it. The OpenAPI document declares the header,
 * and the 422 of a reused key, on the operations this accepts.
 */
export function takesIdempotencyKey(method: string): boolean {
  return method === "POST";
}

/**
 * The key's form as a JSON Schema, for the OpenAPI document: what the kit's idempotencyKeyProblem
 * accepts, 1 to 255 visible ASCII characters (`!` to `~`); a property test holds the two together.
 */
export const idempotencyKeySchema = {
  type: "string",
  minLength: 1,
  maxLength: MAX_IDEMPOTENCY_KEY_LENGTH,
  pattern: "^[!-~]+$",
} as const;

/**
 * The request's Idempotency-Key, to forward to the service, or undefined when there is none or
 * the method does not take one. Throws 400 naming the header for a malformed key.
 */
export function idempotencyKeyOf(request: Request): string | undefined {
  const value = request.headers.get(IDEMPOTENCY_KEY_HEADER);
  if (!takesIdempotencyKey(request.method) || value === null) {
    return undefined;
  }
  const problem = idempotencyKeyProblem(value);
  if (problem !== null) {
    throw badRequest(`${IDEMPOTENCY_KEY_HEADER}: ${problem}`);
  }
  return value;
}
