import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { fieldBehaviorOf } from "./field-behavior.ts";
import type { SchemaBook } from "./schemas.ts";
import type { Parameter } from "./types.ts";
import { isScalarWellKnown } from "./well-known.ts";

/**
 * The query parameters of a route, as http.proto maps them: every request field the path does
 * not bind and the body does not carry, named by its dotted proto field path (`page_size`,
 * `filter.tag`), as the gateway's query parser reads them. Scalars, enums and the well-known
 * types written as one string are parameters; a repeated one is `tag=x&tag=y` (form, exploded);
 * a message field is walked into (a message already on the way is not entered again). Maps,
 * repeated messages, Struct, Value and Any have no query form and are left out. A body of `*`
 * leaves no field to the query.
 */
export function queryParameters(
  request: DescMessage,
  bound: readonly string[],
  body: string,
  book: SchemaBook,
): Parameter[] {
  if (body === "*") {
    return [];
  }
  const taken = body === "" ? bound : [...bound, body];
  return walk(request, "", taken, new Set([request.typeName]), book);
}

function walk(
  message: DescMessage,
  prefix: string,
  taken: readonly string[],
  seen: ReadonlySet<string>,
  book: SchemaBook,
): Parameter[] {
  return message.fields.flatMap((field) => {
    const path = `${prefix}${field.name}`;
    if (taken.includes(path)) {
      return [];
    }
    const inside = taken.some((t) => t.startsWith(`${path}.`));
    if (field.fieldKind === "message" && !isScalarWellKnown(field.message.typeName)) {
      const { typeName } = field.message;
      if (seen.has(typeName)) {
        return [];
      }
      return walk(field.message, `${path}.`, taken, new Set([...seen, typeName]), book);
    }
    return inside || !hasQueryForm(field) ? [] : [parameter(path, field, book)];
  });
}

function hasQueryForm(field: DescField): boolean {
  switch (field.fieldKind) {
    case "scalar":
    case "enum":
      return true;
    case "message":
      return isScalarWellKnown(field.message.typeName);
    case "list":
      return field.listKind !== "message";
    case "map":
      return false;
  }
}

function parameter(name: string, field: DescField, book: SchemaBook): Parameter {
  const { description, ...schema } = book.field(field);
  const repeated = field.fieldKind === "list";
  return {
    name,
    in: "query",
    ...(fieldBehaviorOf(field).required ? { required: true } : {}),
    ...(description === undefined ? {} : { description }),
    ...(repeated ? { style: "form", explode: true } : {}),
    schema,
  };
}
