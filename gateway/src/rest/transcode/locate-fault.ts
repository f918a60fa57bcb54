import {
  type DescField,
  type DescMessage,
  type DescOneof,
  fromJson,
  type JsonValue,
} from "@bufbuild/protobuf";
import { hasCustomJsonRepresentation } from "@bufbuild/protobuf/wkt";
import { expected, type ValueType, valueTypeOf } from "./field-reasons.ts";

/** The field a refused JSON value went wrong at ("note.title", "tags[2]"; "" the whole value). */
export type Fault = { readonly path: string; readonly reason: string };

// The locator re-reads each nested level; a fault deeper than this is reported where it stops.
const maxDepth = 32;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const join = (path: string, key: string): string => (path === "" ? key : `${path}.${key}`);

/** Whether protobuf-es reads `{ [key]: value }` as a `schema`. */
function reads(schema: DescMessage, key: string, value: unknown): boolean {
  try {
    fromJson(schema, { [key]: value } as JsonValue);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where `json`, which protobuf-es refused to read as a `schema`, goes wrong, and why, said from
 * the contract's types: protobuf-es's own messages quote the value, and name the field by its
 * descriptor rather than its path in the request. Runs only after a refusal, so reading each
 * field again on its own costs nothing on the way of a valid request.
 */
export function locateFault(schema: DescMessage, json: unknown, path = "", depth = 0): Fault {
  const type: ValueType = { kind: "message", message: schema };
  if (!isObject(json) || hasCustomJsonRepresentation(schema)) {
    return { path, reason: expected(type) };
  }
  if (depth > maxDepth) {
    return { path, reason: "nested too deeply" };
  }
  const seen = new Set<DescField>();
  const oneofs = new Set<DescOneof>();
  for (const [key, value] of Object.entries(json)) {
    const at = join(path, key);
    const field = schema.fields.find((f) => f.name === key || f.jsonName === key);
    if (field === undefined) {
      return { path: at, reason: "unknown field" };
    }
    if (seen.has(field)) {
      return { path: at, reason: "set twice, by its proto and its JSON name" };
    }
    seen.add(field);
    if (field.oneof !== undefined && value !== null) {
      if (oneofs.has(field.oneof)) {
        return { path: at, reason: `only one field of ${field.oneof.name} may be set` };
      }
      oneofs.add(field.oneof);
    }
    if (!reads(schema, key, value)) {
      return fieldFault(field, (v) => reads(schema, key, v), value, at, depth);
    }
  }
  return { path, reason: expected(type) };
}

function fieldFault(
  field: DescField,
  readsAs: (value: unknown) => boolean,
  value: unknown,
  at: string,
  depth: number,
): Fault {
  const type = valueTypeOf(field);
  if (field.fieldKind === "list") {
    if (!Array.isArray(value)) {
      return { path: at, reason: "expected a list" };
    }
    const bad = value.findIndex((item) => !readsAs([item]));
    return bad < 0
      ? { path: at, reason: "invalid list" }
      : valueFault(type, value[bad], `${at}[${bad}]`, depth);
  }
  if (field.fieldKind === "map") {
    if (!isObject(value)) {
      return { path: at, reason: "expected a JSON object (a map)" };
    }
    const bad = Object.keys(value).find((key) => !readsAs({ [key]: value[key] }));
    if (bad !== undefined && type.kind === "message") {
      return valueFault(type, value[bad], join(at, bad), depth);
    }
    return { path: at, reason: "invalid map key or value" };
  }
  return valueFault(type, value, at, depth);
}

function valueFault(type: ValueType, value: unknown, at: string, depth: number): Fault {
  if (type.kind === "message" && value !== null) {
    return locateFault(type.message, value, at, depth + 1);
  }
  return { path: at, reason: expected(type) };
}
