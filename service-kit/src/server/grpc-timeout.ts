// grpc-timeout as PROTOCOL-HTTP2.md defines it: at most 8 ASCII digits and a unit (H hours,
// M minutes, S seconds, m milliseconds, u microseconds, n nanoseconds).

const UNIT_MS: Record<string, number> = {
  H: 3_600_000,
  M: 60_000,
  S: 1_000,
  m: 1,
  u: 0.001,
  n: 0.000_001,
};

const TIMEOUT = /^(\d{1,8})([HMSmun])$/;

/**
 * The call's time budget in milliseconds; undefined when the header is absent (no deadline).
 * A malformed value is null: the server answers INTERNAL, as grpc-js does.
 */
export function parseGrpcTimeout(value: string | string[] | undefined): number | undefined | null {
  if (value === undefined) {
    return undefined;
  }
  const match = typeof value === "string" ? TIMEOUT.exec(value) : null;
  if (match === null) {
    return null;
  }
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}
