import { expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import { fromGrpcError } from "./errors.ts";

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
];

test.each(cases)(
  "maps gRPC $code to HTTP $want.0, passing only safe messages",
  ({ code, details, want }) => {
    const error = fromGrpcError({ code, details });
    expect([error.status, error.code, error.message]).toEqual(want);
  },
);
