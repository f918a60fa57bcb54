import type { Access, HttpVerb } from "@trellis/contracts/http-rules";
import { type GatewayErrorCode, httpStatusOf } from "../errors.ts";
import { IDEMPOTENCY_KEY_HEADER, takesIdempotencyKey } from "../http/idempotency-key.ts";
import type { Header, Response, Schema } from "./types.ts";

/** The name of the error body's schema in `components.schemas`. */
export const ERROR_SCHEMA = "Error";

/** `{ "error": { "code", "message", "requestId" } }`, as errors.ts's errorBody writes it. */
export const errorSchema: Schema = {
  type: "object",
  description: "What every error answer of the gateway holds.",
  properties: {
    error: {
      type: "object",
      properties: {
        code: {
          type: "string",
          enum: Object.keys(httpStatusOf) satisfies string[] as GatewayErrorCode[],
          description: "The gRPC code name for a service's refusal; the gateway's own otherwise.",
        },
        message: {
          type: "string",
          description:
            "For a 4xx, what was wrong, starting with the field at fault; for a 5xx, a generic sentence.",
        },
        requestId: { type: "string", description: "Quote it when reporting a problem." },
      },
      required: ["code", "message", "requestId"],
      additionalProperties: false,
    },
  },
  required: ["error"],
  additionalProperties: false,
};

/** An error answer: `description` and the shared error body. */
export const errorResponse = (description: string, extra: Partial<Response> = {}): Response => ({
  description,
  ...extra,
  content: { "application/json": { schema: { $ref: `#/components/schemas/${ERROR_SCHEMA}` } } },
});

/** A 429's words, here and on the hand-written routes (rest-shapes.ts); it has Retry-After. */
export const RATE_LIMITED_DESCRIPTION =
  "RESOURCE_EXHAUSTED: over a rate limit; retry after Retry-After seconds.";
export const RATE_LIMITED_RETRY_AFTER_DESCRIPTION = "Seconds to wait.";
/** A 503's words, here and on the hand-written routes that may answer one (rest-shapes.ts). */
export const UNAVAILABLE_DESCRIPTION =
  "UNAVAILABLE: a service is unavailable, or busy: the gateway refused the call at once, as it already has UPSTREAM_MAX_IN_FLIGHT calls to it; try again shortly.";
/** What a 503's Retry-After says: only a call the gateway shed (serviceBusy) carries one. */
export const BUSY_RETRY_AFTER_DESCRIPTION =
  "Seconds to wait; sent when the gateway refused the call because the service was busy.";

const retryAfter = (description: string): Record<string, Header> => ({
  "Retry-After": { description, schema: { type: "integer", minimum: 0 } },
});

/** The shared error answers, by status, for `components.responses`. */
export const errorResponses: Record<string, Response> = {
  "400": errorResponse(
    `INVALID_ARGUMENT: a path variable, query parameter, body field or the ${IDEMPOTENCY_KEY_HEADER} header is invalid.`,
  ),
  "401": errorResponse("UNAUTHENTICATED: no valid session; sign in first."),
  "403": errorResponse(
    "PERMISSION_DENIED: a cross-site request (an unsafe method must come from the app's own origin), or a service's refusal.",
  ),
  "404": errorResponse("NOT_FOUND: no such resource, or not the caller's."),
  "413": errorResponse("PAYLOAD_TOO_LARGE: the body is over the gateway's limit."),
  "415": errorResponse("UNSUPPORTED_MEDIA_TYPE: the body is not application/json."),
  "422": errorResponse(
    `IDEMPOTENCY_KEY_REUSED: the ${IDEMPOTENCY_KEY_HEADER} came earlier with another request; send a new key for a new request.`,
  ),
  "429": errorResponse(RATE_LIMITED_DESCRIPTION, {
    headers: retryAfter(RATE_LIMITED_RETRY_AFTER_DESCRIPTION),
  }),
  "500": errorResponse("INTERNAL: an unexpected failure; the details are in the gateway's log."),
  "503": errorResponse(UNAVAILABLE_DESCRIPTION, {
    headers: retryAfter(BUSY_RETRY_AFTER_DESCRIPTION),
  }),
  "504": errorResponse("DEADLINE_EXCEEDED: a service took too long to answer."),
};

/**
 * The error statuses the gateway can answer for a route: always 400, 404, 429, 500, 503 and
 * 504; 401 unless the route is public; 403 for the unsafe methods, which the cross-site guard
 * checks; 413 and 415 where a body is read; 422 where an Idempotency-Key is taken.
 */
export function errorStatusesOf(route: { verb: HttpVerb; body: string; access: Access }): string[] {
  const statuses = ["400"];
  if (route.access !== "public") {
    statuses.push("401");
  }
  if (route.verb !== "GET") {
    statuses.push("403");
  }
  statuses.push("404");
  if (route.body !== "") {
    statuses.push("413", "415");
  }
  if (takesIdempotencyKey(route.verb)) {
    statuses.push("422");
  }
  statuses.push("429", "500", "503", "504");
  return statuses;
}
