import { type DescEnum, ScalarType } from "@bufbuild/protobuf";
import { base64Encode, WireType } from "@bufbuild/protobuf/wire";
import type { WireReader } from "./wire-reader.ts";

/** Reads one value off the wire as its proto3 JSON value. */
export type ReadValue = (reader: WireReader) => unknown;

const finite = (value: number): number | string =>
  Number.isFinite(value)
    ? value
    : Number.isNaN(value)
      ? "NaN"
      : value > 0
        ? "Infinity"
        : "-Infinity";

/** proto3 JSON of each scalar: 64-bit integers as decimal strings, bytes as base64. */
const readers: Record<ScalarType, ReadValue> = {
  [ScalarType.DOUBLE]: (r) => finite(r.double()),
  [ScalarType.FLOAT]: (r) => finite(r.float()),
  [ScalarType.INT64]: (r) => String(r.int64()),
  [ScalarType.UINT64]: (r) => String(r.uint64()),
  [ScalarType.INT32]: (r) => r.int32(),
  [ScalarType.FIXED64]: (r) => String(r.fixed64()),
  [ScalarType.FIXED32]: (r) => r.fixed32(),
  [ScalarType.BOOL]: (r) => r.bool(),
  [ScalarType.STRING]: (r) => r.text(),
  [ScalarType.BYTES]: (r) => base64Encode(r.bytes()),
  [ScalarType.UINT32]: (r) => r.uint32(),
  [ScalarType.SFIXED32]: (r) => r.sfixed32(),
  [ScalarType.SFIXED64]: (r) => String(r.sfixed64()),
  [ScalarType.SINT32]: (r) => r.sint32(),
  [ScalarType.SINT64]: (r) => String(r.sint64()),
};

/** The zero value's JSON, what an implicit-presence field absent from the wire is written as. */
const zeros: Record<ScalarType, unknown> = {
  [ScalarType.DOUBLE]: 0,
  [ScalarType.FLOAT]: 0,
  [ScalarType.INT64]: "0",
  [ScalarType.UINT64]: "0",
  [ScalarType.INT32]: 0,
  [ScalarType.FIXED64]: "0",
  [ScalarType.FIXED32]: 0,
  [ScalarType.BOOL]: false,
  [ScalarType.STRING]: "",
  [ScalarType.BYTES]: "",
  [ScalarType.UINT32]: 0,
  [ScalarType.SFIXED32]: 0,
  [ScalarType.SFIXED64]: "0",
  [ScalarType.SINT32]: 0,
  [ScalarType.SINT64]: "0",
};

export const readScalar = (scalar: ScalarType): ReadValue => readers[scalar];
export const scalarZero = (scalar: ScalarType): unknown => zeros[scalar];

/** The wire type a scalar is written with, unpacked. */
export function scalarWireType(scalar: ScalarType): WireType {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WireType.LengthDelimited;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WireType.Bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WireType.Bit32;
    default:
      return WireType.Varint;
  }
}

/** An enum by its value's name; a number no value has stays a number (proto3 open enums). */
export function readEnum(desc: DescEnum): ReadValue {
  const names = new Map(desc.values.map((value) => [value.number, value.name]));
  return (r) => {
    const number = r.int32();
    return names.get(number) ?? number;
  };
}

export const enumZero = (desc: DescEnum): unknown => desc.values[0]?.name ?? 0;
