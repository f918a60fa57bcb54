import type { DescEnum, DescField, DescMessage, ScalarType } from "@bufbuild/protobuf";
import { commentOf } from "./comments.ts";
import { fieldBehaviorOf } from "./field-behavior.ts";
import { scalarSchema } from "./scalars.ts";
import type { Schema } from "./types.ts";
import { wellKnownSchema } from "./well-known.ts";

/**
 * JSON Schemas of proto messages in the proto3 JSON mapping, collected as they are referenced:
 * every message and enum reached gets one entry in `components.schemas`, keyed by its full
 * proto name ("trellis.notes.v1.Note"); well-known types are written inline.
 */
export type SchemaBook = {
  /** A reference to the message's schema (well-known types: their inline schema). */
  message(message: DescMessage): Schema;
  /** The message's object schema written inline without some fields (dotted paths in it). */
  messageWithout(message: DescMessage, omit: readonly string[]): Schema;
  /** The schema of one field's value, with its comment as the description. */
  field(field: DescField): Schema;
  /** Every schema referenced so far, by full proto name, in the order first referenced. */
  schemas(): Record<string, Schema>;
};

export function createSchemaBook(): SchemaBook {
  const schemas: Record<string, Schema> = {};
  return {
    message: (desc) => messageSchema(schemas, desc),
    messageWithout: (desc, omit) => objectSchema(schemas, desc, omit),
    field: (desc) => fieldSchema(schemas, desc),
    schemas: () => schemas,
  };
}

type Schemas = Record<string, Schema>;

const ref = (typeName: string): Schema => ({ $ref: `#/components/schemas/${typeName}` });

function messageSchema(schemas: Schemas, desc: DescMessage): Schema {
  const known = wellKnownSchema(desc.typeName);
  if (known !== null) {
    return known;
  }
  if (schemas[desc.typeName] === undefined) {
    schemas[desc.typeName] = {}; // taken before its fields, which may refer back to it
    schemas[desc.typeName] = objectSchema(schemas, desc, []);
  }
  return ref(desc.typeName);
}

function enumSchema(schemas: Schemas, desc: DescEnum): Schema {
  const known = wellKnownSchema(desc.typeName);
  if (known !== null) {
    return known;
  }
  schemas[desc.typeName] ??= enumObject(desc);
  return ref(desc.typeName);
}

/** A list's item, a map's value or a singular field's value. */
function elementSchema(
  schemas: Schemas,
  kind: "scalar" | "enum" | "message",
  field: { scalar?: ScalarType; enum?: DescEnum; message?: DescMessage },
): Schema {
  if (kind === "scalar" && field.scalar !== undefined) {
    return scalarSchema(field.scalar);
  }
  if (kind === "enum" && field.enum !== undefined) {
    return enumSchema(schemas, field.enum);
  }
  if (kind === "message" && field.message !== undefined) {
    return messageSchema(schemas, field.message);
  }
  throw new Error(`a ${kind} element without its type`);
}

function valueSchema(schemas: Schemas, field: DescField): Schema {
  switch (field.fieldKind) {
    case "list":
      return { type: "array", items: elementSchema(schemas, field.listKind, field) };
    case "map":
      // proto3 JSON writes every map key as a string, whatever its proto type.
      return { type: "object", additionalProperties: elementSchema(schemas, field.mapKind, field) };
    default:
      return elementSchema(schemas, field.fieldKind, field);
  }
}

function fieldSchema(schemas: Schemas, field: DescField): Schema {
  return described(valueSchema(schemas, field), field);
}

function objectSchema(schemas: Schemas, desc: DescMessage, omit: readonly string[]): Schema {
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const field of desc.fields) {
    if (omit.includes(field.name)) {
      continue;
    }
    const inside = omit
      .filter((path) => path.startsWith(`${field.name}.`))
      .map((path) => path.slice(field.name.length + 1));
    properties[field.jsonName] =
      inside.length > 0 && field.fieldKind === "message"
        ? described(objectSchema(schemas, field.message, inside), field)
        : fieldSchema(schemas, field);
    if (fieldBehaviorOf(field).required) {
      required.push(field.jsonName);
    }
  }
  const schema: Schema = { type: "object", properties, additionalProperties: false };
  if (required.length > 0) {
    schema.required = required;
  }
  return withDescription(schema, commentOf(desc));
}

function described(schema: Schema, field: DescField): Schema {
  const withComment = withDescription(schema, commentOf(field));
  return fieldBehaviorOf(field).outputOnly ? { ...withComment, readOnly: true } : withComment;
}

function withDescription(schema: Schema, description: string | null): Schema {
  return description === null ? schema : { ...schema, description };
}

/** An enum as the string names proto3 JSON writes; its values' comments listed after its own. */
function enumObject(desc: DescEnum): Schema {
  const values = desc.values.map((value) => {
    const comment = commentOf(value);
    return comment === null
      ? `- \`${value.name}\``
      : `- \`${value.name}\`: ${comment.replaceAll("\n", " ")}`;
  });
  const head = commentOf(desc);
  const description = [...(head === null ? [] : [head]), ...values].join("\n");
  return { type: "string", enum: desc.values.map((value) => value.name), description };
}
