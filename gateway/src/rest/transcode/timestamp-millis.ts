import type { DescMessage, JsonValue } from "@bufbuild/protobuf";
import { hasCustomJsonRepresentation } from "@bufbuild/protobuf/wkt";
import { valueTypeOf } from "./field-reasons.ts";

type Fix = (json: JsonValue) => void;
type Step = { readonly key: string; readonly many: "one" | "list" | "map"; readonly fix: Fix };

const timestamp = "google.protobuf.Timestamp";
const fixers = new WeakMap<DescMessage, Fix | null>();

/**
 * "2024-05-01T12:00:00Z" as "2024-05-01T12:00:00.000Z". protobuf-es writes a whole second
 * without a fraction (proto3 JSON's canonical form) and 3, 6 or 9 digits otherwise; the notes
 * API has always sent Date.toISOString()'s 3, and clients may compare the text. Both are RFC 3339
 * and proto3 JSON. Longer fractions stay: they carry precision.
 */
const withMillis = (text: JsonValue): JsonValue =>
  typeof text === "string" && text.length === 20 && text.endsWith("Z")
    ? `${text.slice(0, 19)}.000Z`
    : text;

/** Sets every Timestamp in `json` (as written by toJson for `schema`) to whole milliseconds. */
export function timestampsWithMillis(schema: DescMessage, json: JsonValue): void {
  fixerOf(schema, new Set())?.(json);
}

/** The fix for a message's JSON, or null when no Timestamp can be inside it. */
function fixerOf(schema: DescMessage, visiting: Set<DescMessage>): Fix | null {
  const known = fixers.get(schema);
  if (known !== undefined) {
    return known;
  }
  if (visiting.has(schema)) {
    // A recursive type: its fix is looked up when it runs, once compiled.
    return (json) => fixers.get(schema)?.(json);
  }
  visiting.add(schema);
  const steps = schema.fields.flatMap((field): Step[] => {
    const type = valueTypeOf(field);
    if (type.kind !== "message") {
      return [];
    }
    const many = field.fieldKind === "list" ? "list" : field.fieldKind === "map" ? "map" : "one";
    if (type.message.typeName === timestamp) {
      return [{ key: field.jsonName, many, fix: () => undefined }];
    }
    const fix = hasCustomJsonRepresentation(type.message) ? null : fixerOf(type.message, visiting);
    return fix === null ? [] : [{ key: field.jsonName, many, fix }];
  });
  visiting.delete(schema);
  const fix = steps.length === 0 ? null : compile(steps);
  fixers.set(schema, fix);
  return fix;
}

function compile(steps: readonly Step[]): Fix {
  return (json) => {
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      return;
    }
    for (const { key, many, fix } of steps) {
      const value = json[key];
      if (value === undefined || value === null) {
        continue;
      }
      if (many === "one") {
        json[key] = step(fix, value);
      } else if (many === "list" && Array.isArray(value)) {
        json[key] = value.map((item) => step(fix, item));
      } else if (many === "map" && typeof value === "object" && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) {
          value[k] = step(fix, v);
        }
      }
    }
  };
}

/** A Timestamp's text gets its millis; a message is fixed in place. */
function step(fix: Fix, value: JsonValue): JsonValue {
  if (typeof value === "string") {
    return withMillis(value);
  }
  fix(value);
  return value;
}
