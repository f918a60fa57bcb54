import { type DescEnum, type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { isWrapperDesc } from "@bufbuild/protobuf/wkt";

/** What one value of a field is: the field itself, or one item of a list or map. */
export type ValueType =
  | { readonly kind: "scalar"; readonly scalar: ScalarType }
  | { readonly kind: "enum"; readonly enum: DescEnum }
  | { readonly kind: "message"; readonly message: DescMessage };

/** The type of one value of `field`: of the field, or of each item when it is a list or map. */
export function valueTypeOf(field: DescField): ValueType {
  switch (field.fieldKind) {
    case "scalar":
      return { kind: "scalar", scalar: field.scalar };
    case "enum":
      return { kind: "enum", enum: field.enum };
    case "message":
      return { kind: "message", message: field.message };
    case "list":
    case "map":
      return itemType(field);
  }
}

function itemType(field: DescField & { fieldKind: "list" | "map" }): ValueType {
  const kind = field.fieldKind === "list" ? field.listKind : field.mapKind;
  if (kind === "enum" && field.enum !== undefined) {
    return { kind: "enum", enum: field.enum };
  }
  if (kind === "message" && field.message !== undefined) {
    return { kind: "message", message: field.message };
  }
  return { kind: "scalar", scalar: field.scalar ?? ScalarType.STRING };
}

const scalarReasons: Record<ScalarType, string> = {
  [ScalarType.STRING]: "expected a string",
  [ScalarType.BOOL]: "expected true or false",
  [ScalarType.BYTES]: "expected base64 text",
  [ScalarType.DOUBLE]: "expected a number",
  [ScalarType.FLOAT]: "expected a number in float range",
  [ScalarType.INT32]: "expected a 32-bit integer",
  [ScalarType.SINT32]: "expected a 32-bit integer",
  [ScalarType.SFIXED32]: "expected a 32-bit integer",
  [ScalarType.UINT32]: "expected an unsigned 32-bit integer",
  [ScalarType.FIXED32]: "expected an unsigned 32-bit integer",
  [ScalarType.INT64]: "expected a 64-bit integer (a number or a decimal string)",
  [ScalarType.SINT64]: "expected a 64-bit integer (a number or a decimal string)",
  [ScalarType.SFIXED64]: "expected a 64-bit integer (a number or a decimal string)",
  [ScalarType.UINT64]: "expected an unsigned 64-bit integer (a number or a decimal string)",
  [ScalarType.FIXED64]: "expected an unsigned 64-bit integer (a number or a decimal string)",
};

const wellKnownReasons: Record<string, string> = {
  "google.protobuf.Timestamp": 'expected an RFC 3339 timestamp such as "2024-05-01T12:00:00Z"',
  "google.protobuf.Duration": 'expected a duration in seconds such as "1.5s"',
  "google.protobuf.FieldMask": "expected field names separated by commas",
  "google.protobuf.Struct": "expected a JSON object",
  "google.protobuf.ListValue": "expected a list",
  "google.protobuf.Value": "expected a JSON value",
  "google.protobuf.Any": 'expected an object with "@type"',
};

/**
 * Why a value of this type was refused, said from the type alone: the value is the client's and
 * never appears in an error. Names in it (an enum's) come from the contract.
 */
export function expected(type: ValueType): string {
  switch (type.kind) {
    case "scalar":
      return scalarReasons[type.scalar];
    case "enum":
      return `expected a value name of ${type.enum.typeName}`;
    case "message": {
      const wellKnown = wellKnownReasons[type.message.typeName];
      if (wellKnown !== undefined) {
        return wellKnown;
      }
      if (isWrapperDesc(type.message)) {
        return expected({ kind: "scalar", scalar: type.message.fields[0].scalar });
      }
      return "expected a JSON object";
    }
  }
}
