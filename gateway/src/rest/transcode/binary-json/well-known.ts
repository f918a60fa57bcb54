import type { DescMessage } from "@bufbuild/protobuf";
import { isWrapperDesc } from "@bufbuild/protobuf/wkt";
import { scalarZero } from "./scalars.ts";

// The well-known types with their own JSON that the fast path writes; Any, Struct, Value,
// ListValue and FieldMask are left to protobuf-es (see plan.ts).

/** Their JSON from the decoded fields (seconds and nanos by field number 1 and 2). */
export type WriteWellKnown = (fields: readonly unknown[]) => unknown;

const MIN_SECONDS = -62135596800; // 0001-01-01T00:00:00Z
const MAX_SECONDS = 253402300799; // 9999-12-31T23:59:59Z

/** Nanos as 3, 6 or 9 digits: the fewest that keep them. */
function fraction(nanos: number): string {
  const digits = String(nanos + 1_000_000_000).slice(1);
  return digits.endsWith("000000")
    ? digits.slice(0, 3)
    : digits.endsWith("000")
      ? digits.slice(0, 6)
      : digits;
}

/** What proto3 JSON can write: years 1 to 9999, nanos within a second. */
export const timestampInRange = (seconds: number, nanos: number): boolean =>
  seconds >= MIN_SECONDS && seconds <= MAX_SECONDS && nanos >= 0 && nanos <= 999_999_999;

/**
 * RFC 3339 in UTC, always with at least milliseconds ("…T08:00:00.000Z", as the notes API has
 * always sent; see timestamp-millis.ts), longer fractions when the nanos need them.
 */
export function timestampJson([seconds = "0", nanos = 0]: readonly unknown[]): string {
  const s = Number(seconds);
  const n = Number(nanos);
  if (!timestampInRange(s, n)) {
    throw new Error("google.protobuf.Timestamp out of range");
  }
  const text = new Date(s * 1000 + Math.floor(n / 1_000_000)).toISOString();
  return n % 1_000_000 === 0 ? text : `${text.slice(0, 19)}.${fraction(n)}Z`;
}

const MAX_DURATION_SECONDS = 315576000000;

/** "1.500s", "-0.001s", "3s": as protobuf-es writes a Duration. */
export function durationJson([seconds = "0", nanos = 0]: readonly unknown[]): string {
  const s = Number(seconds);
  const n = Number(nanos);
  if (Math.abs(s) > MAX_DURATION_SECONDS || (s > 0 && n < 0) || (s < 0 && n > 0)) {
    throw new Error("google.protobuf.Duration out of range");
  }
  if (n === 0) {
    return `${seconds}s`;
  }
  const sign = n < 0 && s === 0 ? "-" : "";
  return `${sign}${seconds}.${fraction(Math.abs(n))}s`;
}

/** How the fast path writes `desc`: by its own JSON, as an object (null), or not at all. */
export function wellKnownWriter(desc: DescMessage): WriteWellKnown | null | "unsupported" {
  switch (desc.typeName) {
    case "google.protobuf.Timestamp":
      return timestampJson;
    case "google.protobuf.Duration":
      return durationJson;
    case "google.protobuf.Empty":
      return null;
    case "google.protobuf.Any":
    case "google.protobuf.Struct":
    case "google.protobuf.Value":
    case "google.protobuf.ListValue":
    case "google.protobuf.FieldMask":
      return "unsupported";
    default: {
      if (!isWrapperDesc(desc)) {
        return null;
      }
      const zero = scalarZero(desc.fields[0].scalar);
      return (fields) => fields[0] ?? zero;
    }
  }
}
