/**
 * The gRPC status codes (grpc/doc/statuscodes.md), the same names and numbers as grpc-js's
 * `status` enum. The kit keeps its own so that no process loads grpc-js for a table of numbers:
 * evaluating grpc-js costs about 8 MB of RSS per process beyond node:http2 (measured in compiled
 * binaries; bench/investigations/memory).
 */
export const status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** One of the codes above (a type of the same name, as grpc-js's enum is both). */
export type status = (typeof status)[keyof typeof status];

const names: readonly string[] = Object.keys(status);

/** The code's name ("NOT_FOUND"), or undefined for a number that is not a gRPC code. */
export function statusName(code: number): string | undefined {
  return names[code];
}
