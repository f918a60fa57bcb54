import { type DescField, type DescMessage, type JsonValue, ScalarType } from "@bufbuild/protobuf";
import { hasCustomJsonRepresentation, isWrapperDesc } from "@bufbuild/protobuf/wkt";
import { type InvalidArgument, invalidArgument } from "../invalid-argument.ts";
import type { FieldTree, FieldValue } from "../query-fields.ts";
import type { Bindings } from "../router.ts";
import { type ValueType, valueTypeOf } from "./field-reasons.ts";

/** Where request text came from: the path template or the query string. */
export type TextSource = "path variable" | "query parameter";

export type TextJson =
  | { readonly ok: true; readonly json: { [field: string]: JsonValue } }
  | { readonly ok: false; readonly error: InvalidArgument };

type Converted = { ok: true; value: JsonValue } | { ok: false; path: string; reason: string };

const integer = /^-?[0-9]+$/;

/** Path bindings ("note.id" → text) as the tree of fields they set. */
export function bindingsToTree(bindings: Bindings): FieldTree {
  const tree: FieldTree = Object.create(null);
  for (const [path, value] of Object.entries(bindings)) {
    const parts = path.split(".");
    let node = tree;
    for (const part of parts.slice(0, -1)) {
      const child = node[part];
      const next: FieldTree =
        typeof child === "object" && !Array.isArray(child) ? child : Object.create(null);
      node[part] = next;
      node = next;
    }
    node[parts[parts.length - 1] ?? ""] = value;
  }
  return tree;
}

/**
 * The proto3 JSON of the fields that path variables or query parameters set, typed by the
 * contract: text stays text where proto3 JSON accepts a string (numbers, int64, bytes,
 * Timestamp, Duration, FieldMask), booleans become true/false, enum numbers numbers, a lone
 * value of a list field a list. Range and format checks are the JSON reader's. Refused here:
 * unknown fields, maps and lists of messages (http.proto: not settable from the URL), a value
 * given twice for a single field, fields under a field that is not a message.
 */
export function textToJson(schema: DescMessage, tree: FieldTree, source: TextSource): TextJson {
  const converted = convertTree(schema, tree, "");
  if (!converted.ok) {
    return { ok: false, error: invalidArgument(source, converted.path, converted.reason) };
  }
  return { ok: true, json: converted.value as { [field: string]: JsonValue } };
}

function convertTree(schema: DescMessage, tree: FieldTree, path: string): Converted {
  const json: { [field: string]: JsonValue } = Object.create(null);
  for (const [key, value] of Object.entries(tree)) {
    const at = path === "" ? key : `${path}.${key}`;
    const field = schema.fields.find((f) => f.name === key || f.jsonName === key);
    if (field === undefined) {
      return { ok: false, path: at, reason: "unknown field" };
    }
    const converted = convertField(field, value, at);
    if (!converted.ok) {
      return converted;
    }
    json[key] = converted.value;
  }
  return { ok: true, value: json };
}

function convertField(field: DescField, value: FieldValue, at: string): Converted {
  const type = valueTypeOf(field);
  if (field.fieldKind === "map") {
    return { ok: false, path: at, reason: "a map cannot be set here" };
  }
  if (field.fieldKind === "list") {
    if (type.kind === "message" && !hasCustomJsonRepresentation(type.message)) {
      return { ok: false, path: at, reason: "a list of messages cannot be set here" };
    }
    if (typeof value !== "string" && !Array.isArray(value)) {
      return { ok: false, path: at, reason: "not a message: it has no fields" };
    }
    const items = typeof value === "string" ? [value] : value;
    return { ok: true, value: items.map((item) => fromText(type, item)) };
  }
  if (type.kind === "message" && !hasCustomJsonRepresentation(type.message)) {
    if (typeof value === "string" || Array.isArray(value)) {
      return { ok: false, path: at, reason: `a message: set its fields (${at}.<field>=…)` };
    }
    return convertTree(type.message, value, at);
  }
  if (Array.isArray(value)) {
    return { ok: false, path: at, reason: "given more than once" };
  }
  if (typeof value !== "string") {
    return { ok: false, path: at, reason: "not a message: it has no fields" };
  }
  return { ok: true, value: fromText(type, value) };
}

/** One value as proto3 JSON; left as text when it is not what the type wants (the reader says). */
function fromText(type: ValueType, text: string): JsonValue {
  if (type.kind === "enum") {
    return integer.test(text) ? Number(text) : text;
  }
  if (type.kind === "message") {
    return isWrapperDesc(type.message)
      ? fromText({ kind: "scalar", scalar: type.message.fields[0].scalar }, text)
      : text;
  }
  if (type.scalar === ScalarType.BOOL) {
    return text === "true" ? true : text === "false" ? false : text;
  }
  return text;
}
