import { fileURLToPath } from "node:url";
import type { Options } from "@grpc/proto-loader";

/** The peer's .proto files, read at start by proto-loader (Nest's gRPC transport does so). */
export const protoPath = {
  identity: fileURLToPath(new URL("../../proto/identity.proto", import.meta.url)),
  notes: fileURLToPath(new URL("../../proto/notes.proto", import.meta.url)),
};

/**
 * proto-loader's options on both sides: camelCase fields, int64 as numbers (a Timestamp's
 * seconds fit), and defaults filled in so an empty string arrives as "" rather than undefined.
 */
export const loaderOptions: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** google.protobuf.Timestamp as proto-loader reads and writes it. */
export interface Timestamp {
  seconds: number;
  nanos: number;
}

export function toTimestamp(date: Date): Timestamp {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

/** RFC 3339 in UTC, as the proto3 JSON mapping writes a Timestamp; "" when absent. */
export function isoOf(timestamp: Timestamp | null | undefined): string {
  if (timestamp === null || timestamp === undefined) {
    return "";
  }
  return new Date(timestamp.seconds * 1000 + Math.floor(timestamp.nanos / 1_000_000)).toISOString();
}
