import { ScalarType } from "@bufbuild/protobuf";
import type { JsonOut } from "./json-out.ts";
import type { ReadValue } from "./scalars.ts";
import type { WireReader } from "./wire-reader.ts";

/** Reads one scalar or enum value off the wire and writes its proto3 JSON. */
export type WriteValue = (reader: WireReader, out: JsonOut) => void;

/** A string's bytes are copied from the wire; any other value is read, then written. */
export function writeValueOf(scalar: ScalarType | undefined, read: ReadValue): WriteValue {
  if (scalar === ScalarType.STRING) {
    return (reader, out) => reader.textInto(out);
  }
  return (reader, out) => out.value(read(reader));
}
