import { ScalarType } from "@bufbuild/protobuf";
import { scalarSchema } from "./scalars.ts";
import type { Schema } from "./types.ts";

// The well-known types proto3 JSON writes as something other than an object of their fields.
const wellKnown: Record<string, () => Schema> = {
  "google.protobuf.Timestamp": () => ({
    type: "string",
    format: "date-time",
    description: "An RFC 3339 date-time in UTC (Z), with 0, 3, 6 or 9 fractional digits.",
  }),
  "google.protobuf.Duration": () => ({
    type: "string",
    pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$",
    description: 'Seconds with up to 9 fractional digits and an "s": "1.5s".',
  }),
  "google.protobuf.FieldMask": () => ({
    type: "string",
    description: 'Field paths in lowerCamelCase, comma-separated: "title,body".',
  }),
  "google.protobuf.Empty": () => ({ type: "object", additionalProperties: false }),
  "google.protobuf.Struct": () => ({ type: "object", additionalProperties: true }),
  "google.protobuf.Value": () => ({ description: "Any JSON value." }),
  "google.protobuf.ListValue": () => ({ type: "array", items: {} }),
  "google.protobuf.NullValue": () => ({ type: "null" }),
  "google.protobuf.Any": () => ({
    type: "object",
    properties: { "@type": { type: "string" } },
    required: ["@type"],
    additionalProperties: true,
  }),
  "google.protobuf.DoubleValue": () => scalarSchema(ScalarType.DOUBLE),
  "google.protobuf.FloatValue": () => scalarSchema(ScalarType.FLOAT),
  "google.protobuf.Int64Value": () => scalarSchema(ScalarType.INT64),
  "google.protobuf.UInt64Value": () => scalarSchema(ScalarType.UINT64),
  "google.protobuf.Int32Value": () => scalarSchema(ScalarType.INT32),
  "google.protobuf.UInt32Value": () => scalarSchema(ScalarType.UINT32),
  "google.protobuf.BoolValue": () => scalarSchema(ScalarType.BOOL),
  "google.protobuf.StringValue": () => scalarSchema(ScalarType.STRING),
  "google.protobuf.BytesValue": () => scalarSchema(ScalarType.BYTES),
};

/**
 * The schema of a well-known message or enum written inline (a Timestamp is a string, not a
 * reference to an object), or null for any other type.
 */
export function wellKnownSchema(typeName: string): Schema | null {
  return wellKnown[typeName]?.() ?? null;
}

/** Whether a query parameter can carry the type: the well-known types written as one scalar. */
export function isScalarWellKnown(typeName: string): boolean {
  const schema = wellKnownSchema(typeName);
  return (
    schema !== null &&
    (schema.type === "string" ||
      schema.type === "integer" ||
      schema.type === "boolean" ||
      schema.oneOf !== undefined)
  );
}
