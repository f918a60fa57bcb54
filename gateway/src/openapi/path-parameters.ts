import type { DescField, DescMessage } from "@bufbuild/protobuf";
import type { PathTemplate, PlainSegment, Segment } from "../rest/template.ts";
import type { SchemaBook } from "./schemas.ts";
import type { Parameter } from "./types.ts";

export type PathParameters = {
  /** The OpenAPI path: each variable as `{field.path}`, its own `=...` pattern dropped. */
  path: string;
  parameters: Parameter[];
  /** The request fields the path binds, as dotted proto field paths. */
  bound: string[];
};

/**
 * A google.api.http template as an OpenAPI path and its path parameters. Parameters are named
 * by the dotted field path they fill (`/api/notes/{note.id}`), as grpc-gateway's openapiv2
 * does: OpenAPI allows any name but `}` in a template expression. A multi-segment variable
 * (`{name=shelves/*}`) becomes `{name}` whose schema has the pattern of its segments; its value
 * holds slashes, which an OpenAPI client percent-encodes. A `*` or `**` outside a variable binds
 * no field and has no OpenAPI form: refused, naming the template.
 */
export function pathParameters(
  text: string,
  template: PathTemplate,
  request: DescMessage,
  book: SchemaBook,
): PathParameters {
  const parameters: Parameter[] = [];
  const segments = template.segments.map((segment) => {
    if (segment.kind === "variable") {
      parameters.push(pathParameter(segment, request, book));
      return `{${segment.field}}`;
    }
    if (segment.kind !== "literal") {
      throw new Error(
        `path template ${JSON.stringify(text)}: a wildcard outside a variable has no OpenAPI form`,
      );
    }
    return segment.text;
  });
  const path = `/${segments.join("/")}${template.verb === null ? "" : `:${template.verb}`}`;
  return { path, parameters, bound: parameters.map((p) => p.name) };
}

function pathParameter(
  segment: Segment & { kind: "variable" },
  request: DescMessage,
  book: SchemaBook,
): Parameter {
  const field = fieldAt(request, segment.field);
  if (field === null) {
    throw new Error(`path variable ${segment.field} is not a field of ${request.typeName}`);
  }
  const { description, ...schema } = book.field(field);
  const multi = !isSingleSegment(segment.segments);
  const parameter: Parameter = {
    name: segment.field,
    in: "path",
    required: true,
    schema: multi ? { type: "string", pattern: segmentsPattern(segment.segments) } : schema,
  };
  return description === undefined ? parameter : { ...parameter, description };
}

/** The field a dotted path names, through singular message fields; null if there is none. */
export function fieldAt(message: DescMessage, path: string): DescField | null {
  const [head = "", ...rest] = path.split(".");
  const field = message.fields.find((f) => f.name === head);
  if (field === undefined || rest.length === 0) {
    return field ?? null;
  }
  return field.fieldKind === "message" ? fieldAt(field.message, rest.join(".")) : null;
}

function isSingleSegment(segments: readonly PlainSegment[]): boolean {
  const [only, ...more] = segments;
  return segments.length === 0 || (only?.kind === "wildcard" && more.length === 0);
}

function segmentsPattern(segments: readonly PlainSegment[]): string {
  return `^${segments.map(segmentPattern).join("/")}$`;
}

function segmentPattern(segment: PlainSegment): string {
  switch (segment.kind) {
    case "literal":
      return segment.text.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&");
    case "wildcard":
      return "[^/]+";
    case "deep-wildcard":
      return "[^/]+(?:/[^/]+)*";
  }
}
