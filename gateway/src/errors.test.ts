import { expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import {
  badRequest,
  forbidden,
  fromGrpcError,
  type GatewayErrorCode,
  HttpError,
  httpStatusOf,
  internalError,
  isServiceBusy,
  loginFailed,
  methodNotAllowed,
  noRoute,
  notFound,
  payloadTooLarge,
  serviceBusy,
  tooManyRequests,
  unauthorized,
  unsupportedMediaType,
} from "./errors.ts";

const factories = [
  {
    name: "badRequest",
    error: badRequest("title: required"),
    want: [400, "INVALID_ARGUMENT", "title: required"],
  },
  { name: "unauthorized", error: unauthorized(), want: [401, "UNAUTHENTICATED", "sign in first"] },
  {
    name: "unauthorized with words",
    error: unauthorized("again"),
    want: [401, "UNAUTHENTICATED", "again"],
  },
  {
    name: "forbidden",
    error: forbidden("cross-site"),
    want: [403, "PERMISSION_DENIED", "cross-site"],
  },
  { name: "notFound", error: notFound("no such file"), want: [404, "NOT_FOUND", "no such file"] },
  {
    name: "methodNotAllowed",
    error: methodNotAllowed("PUT", "/api/notes"),
    want: [405, "METHOD_NOT_ALLOWED", "PUT is not allowed on /api/notes"],
  },
  {
    name: "noRoute",
    error: noRoute("GET", "/api/nope"),
    want: [404, "NOT_FOUND", "no route for GET /api/nope"],
  },
  {
    name: "payloadTooLarge",
    error: payloadTooLarge("body: larger than 10 bytes"),
    want: [413, "PAYLOAD_TOO_LARGE", "body: larger than 10 bytes"],
  },
  {
    name: "unsupportedMediaType",
    error: unsupportedMediaType("body: send application/json"),
    want: [415, "UNSUPPORTED_MEDIA_TYPE", "body: send application/json"],
  },
  {
    name: "tooManyRequests",
    error: tooManyRequests("wait a minute"),
    want: [429, "RESOURCE_EXHAUSTED", "wait a minute"],
  },
  { name: "internalError", error: internalError(), want: [500, "INTERNAL", "internal error"] },
  {
    name: "serviceBusy",
    error: serviceBusy(),
    want: [503, "UNAVAILABLE", "the service is busy; retry after Retry-After seconds"],
  },
  {
    name: "loginFailed, the user's",
    error: loginFailed("start again", 400),
    want: [400, "LOGIN_FAILED", "start again"],
  },
  {
    name: "loginFailed, ours",
    error: loginFailed("misconfigured", 500),
    want: [500, "LOGIN_FAILED", "misconfigured"],
  },
  {
    name: "loginFailed, upstream",
    error: loginFailed("unreachable", 502),
    want: [502, "LOGIN_FAILED", "unreachable"],
  },
];

test.each(factories)("$name answers $want.0 $want.1", ({ error, want }) => {
  expect(error).toBeInstanceOf(HttpError);
  expect([error.status, error.code, error.message]).toEqual(want);
});

test("every factory but loginFailed takes its status from the table", () => {
  for (const { error } of factories.filter(({ want }) => want[1] !== "LOGIN_FAILED")) {
    expect(error.status).toBe(httpStatusOf[error.code]);
  }
});

test("only serviceBusy asks the client to retry later, by Retry-After, and says it was shed", () => {
  const shed = serviceBusy();
  const answered = fromGrpcError({ code: status.UNAVAILABLE, details: "down" });
  expect([shed.retryAfterSeconds, isServiceBusy(shed)]).toEqual([1, true]);
  expect([answered.status, answered.retryAfterSeconds, isServiceBusy(answered)]).toEqual([
    503,
    null,
    false,
  ]);
  for (const { error } of factories.filter(({ name }) => name !== "serviceBusy")) {
    expect(error.retryAfterSeconds).toBeNull();
  }
});

// The table is exhaustive by type (`satisfies Record<GatewayErrorCode, number>`); this pins what
// a client sees, so a changed status is a changed test.
test("the code -> status table", () => {
  const table: Readonly<Record<GatewayErrorCode, number>> = httpStatusOf;
  expect(table).toEqual({
    INVALID_ARGUMENT: 400,
    UNAUTHENTICATED: 401,
    PERMISSION_DENIED: 403,
    NOT_FOUND: 404,
    METHOD_NOT_ALLOWED: 405,
    ALREADY_EXISTS: 409,
    FAILED_PRECONDITION: 412,
    PAYLOAD_TOO_LARGE: 413,
    UNSUPPORTED_MEDIA_TYPE: 415,
    RESOURCE_EXHAUSTED: 429,
    INTERNAL: 500,
    UNAVAILABLE: 503,
    DEADLINE_EXCEEDED: 504,
    LOGIN_FAILED: 400,
    IDEMPOTENCY_KEY_REUSED: 422,
  });
});

const cases = [
  {
    code: status.INVALID_ARGUMENT,
    details: "title: must not be empty",
    want: [400, "INVALID_ARGUMENT", "title: must not be empty"],
  },
  {
    code: status.UNAUTHENTICATED,
    details: "invalid caller identity",
    want: [401, "UNAUTHENTICATED", "sign in first"],
  },
  {
    code: status.PERMISSION_DENIED,
    details: "not yours",
    want: [403, "PERMISSION_DENIED", "not yours"],
  },
  {
    code: status.NOT_FOUND,
    details: "note x not found",
    want: [404, "NOT_FOUND", "note x not found"],
  },
  { code: status.ALREADY_EXISTS, details: "taken", want: [409, "ALREADY_EXISTS", "taken"] },
  {
    code: status.RESOURCE_EXHAUSTED,
    details: "pool full at 10.0.0.5",
    want: [429, "RESOURCE_EXHAUSTED", "too many requests"],
  },
  {
    code: status.UNAVAILABLE,
    details: "No connection established. Last error: connect ECONNREFUSED 10.1.2.3:50051",
    want: [503, "UNAVAILABLE", "a service is unavailable; try again shortly"],
  },
  {
    code: status.DEADLINE_EXCEEDED,
    details: "Deadline exceeded after 2.001s",
    want: [504, "DEADLINE_EXCEEDED", "a service took too long to answer"],
  },
  {
    code: status.INTERNAL,
    details: "relation notes does not exist",
    want: [500, "INTERNAL", "internal error"],
  },
  {
    code: status.UNKNOWN,
    details: "TypeError at /app/src/x.ts:10",
    want: [500, "INTERNAL", "internal error"],
  },
  { code: status.DATA_LOSS, details: "disk", want: [500, "INTERNAL", "internal error"] },
  {
    code: status.FAILED_PRECONDITION,
    details: "version moved",
    want: [412, "FAILED_PRECONDITION", "version moved"],
  },
  // The gateway cancels none of its calls: a CANCELLED is the connection dropped under the call
  // (the kit's client reports a reset connection so), and the user, still waiting, may retry.
  {
    code: status.CANCELLED,
    details: "Call cancelled",
    want: [503, "UNAVAILABLE", "a service is unavailable; try again shortly"],
  },
  { code: status.NOT_FOUND, details: undefined, want: [404, "NOT_FOUND", "request refused"] },
];

test.each(cases)(
  "maps gRPC $code to HTTP $want.0, passing only safe messages",
  ({ code, details, want }) => {
    const error = fromGrpcError({ code, details });
    expect([error.status, error.code, error.message]).toEqual(want);
  },
);

// A service's own code (the kit's trellis-error-code trailer) refines the status it came with.
const refined = [
  {
    name: "a reused Idempotency-Key is 422 with the service's words",
    error: {
      code: status.FAILED_PRECONDITION,
      details: "Idempotency-Key: used",
      errorCode: "IDEMPOTENCY_KEY_REUSED",
    },
    want: [422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key: used"],
  },
  {
    name: "a code the gateway does not know leaves the status's mapping",
    error: { code: status.FAILED_PRECONDITION, details: "stale", errorCode: "SOMETHING_NEW" },
    want: [412, "FAILED_PRECONDITION", "stale"],
  },
  {
    name: "a plain gRPC code name changes nothing",
    error: { code: status.NOT_FOUND, details: "note x not found", errorCode: "NOT_FOUND" },
    want: [404, "NOT_FOUND", "note x not found"],
  },
];

test.each(refined)("$name", ({ error, want }) => {
  const mapped = fromGrpcError(error);
  expect([mapped.status, mapped.code, mapped.message]).toEqual(want);
});
