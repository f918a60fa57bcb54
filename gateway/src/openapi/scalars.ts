import { ScalarType } from "@bufbuild/protobuf";
import type { Schema } from "./types.ts";

// proto3 JSON (https://protobuf.dev/programming-guides/json/): 64-bit integers are strings
// (a JavaScript number loses precision past 2^53), floats may be the strings "NaN",
// "Infinity" and "-Infinity", bytes are base64. Parsers also accept numbers for 64-bit integers
// and numeric strings for 32-bit ones; the schemas say what a writer sends.
const float = (format: string): Schema => ({
  oneOf: [
    { type: "number", format },
    { type: "string", enum: ["NaN", "Infinity", "-Infinity"] },
  ],
});

const int64 = (format: string): Schema => ({ type: "string", format, pattern: "^-?[0-9]+$" });
const uint64 = (format: string): Schema => ({ type: "string", format, pattern: "^[0-9]+$" });
const uint32 = (): Schema => ({
  type: "integer",
  format: "uint32",
  minimum: 0,
  maximum: 4294967295,
});

const schemaOf = {
  [ScalarType.DOUBLE]: () => float("double"),
  [ScalarType.FLOAT]: () => float("float"),
  [ScalarType.INT64]: () => int64("int64"),
  [ScalarType.SINT64]: () => int64("int64"),
  [ScalarType.SFIXED64]: () => int64("int64"),
  [ScalarType.UINT64]: () => uint64("uint64"),
  [ScalarType.FIXED64]: () => uint64("uint64"),
  [ScalarType.INT32]: () => ({ type: "integer", format: "int32" }),
  [ScalarType.SINT32]: () => ({ type: "integer", format: "int32" }),
  [ScalarType.SFIXED32]: () => ({ type: "integer", format: "int32" }),
  [ScalarType.UINT32]: uint32,
  [ScalarType.FIXED32]: uint32,
  [ScalarType.BOOL]: () => ({ type: "boolean" }),
  [ScalarType.STRING]: () => ({ type: "string" }),
  [ScalarType.BYTES]: () => ({ type: "string", format: "byte" }),
} as const satisfies Record<ScalarType, () => Schema>;

/** The JSON Schema of a proto scalar in the proto3 JSON mapping; a fresh object each call. */
export function scalarSchema(scalar: ScalarType): Schema {
  return schemaOf[scalar]();
}
