import type { DescMethod } from "@bufbuild/protobuf";
import type { HttpRule } from "@trellis/contracts/http-rules";
import {
  IDEMPOTENCY_KEY_HEADER,
  idempotencyKeySchema,
  takesIdempotencyKey,
} from "../http/idempotency-key.ts";
import { parseTemplate } from "../rest/template.ts";
import { commentOf } from "./comments.ts";
import { errorStatusesOf } from "./error-responses.ts";
import { fieldAt, pathParameters } from "./path-parameters.ts";
import { queryParameters } from "./query-parameters.ts";
import type { SchemaBook } from "./schemas.ts";
import type { Operation, Parameter, Response, Schema } from "./types.ts";

/** The name of the session cookie's scheme in `components.securitySchemes`. */
export const SESSION_SCHEME = "session";

export type RouteOperation = {
  path: string;
  verb: Lowercase<HttpRule["verb"]>;
  operation: Operation;
};

/**
 * One route as an OpenAPI operation: parameters from its path template and the query, the body
 * field's schema, the success answer and the error answers the gateway may give, and who may
 * call it (`security`, and `x-trellis-access` to say it in Trellis's words).
 */
export function operationOf(
  route: HttpRule,
  rpc: DescMethod,
  operationId: string,
  book: SchemaBook,
): RouteOperation {
  const parsed = parseTemplate(route.pathTemplate);
  if (!parsed.ok) {
    throw new Error(`${route.method}: ${parsed.error.message}`);
  }
  const inPath = pathParameters(route.pathTemplate, parsed.template, route.requestType, book);
  const parameters = [
    ...inPath.parameters,
    ...queryParameters(route.requestType, inPath.bound, route.body, book),
    ...(takesIdempotencyKey(route.verb) ? [idempotencyKeyParameter] : []),
  ];
  const operation: Operation = {
    operationId,
    tags: [rpc.parent.name],
    ...describe(commentOf(rpc)),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...requestBodyOf(route, inPath.bound, book),
    responses: responsesOf(route, book),
    security: route.access === "public" ? [] : [{ [SESSION_SCHEME]: [] }],
    "x-trellis-access": route.access,
    "x-trellis-rpc": route.method,
  };
  return { path: inPath.path, verb: lowercase(route.verb), operation };
}

/** What http/idempotency-key.ts reads of a request whose method takes a key. */
const idempotencyKeyParameter: Parameter = {
  name: IDEMPOTENCY_KEY_HEADER,
  in: "header",
  required: false,
  description:
    "Makes the request safe to retry: sent again with the same key and body (within 24 hours), it answers what the first one did and changes nothing more. The same key with another request is 422. A UUID is a good choice.",
  schema: idempotencyKeySchema,
};

/** The summary is the comment's first sentence, the description the whole comment. */
function describe(comment: string | null): { summary?: string; description?: string } {
  if (comment === null) {
    return {};
  }
  const flat = comment.replaceAll("\n", " ");
  const summary = /^.*?\.(?=\s|$)/.exec(flat)?.[0] ?? flat;
  return { summary, description: comment };
}

function requestBodyOf(
  route: HttpRule,
  bound: readonly string[],
  book: SchemaBook,
): Pick<Operation, "requestBody"> {
  if (route.body === "") {
    return {};
  }
  const schema = route.body === "*" ? wholeBody(route, bound, book) : fieldBody(route, bound, book);
  return { requestBody: { required: true, content: { "application/json": { schema } } } };
}

/** The request message, less the fields its path binds. */
function wholeBody(route: HttpRule, bound: readonly string[], book: SchemaBook): Schema {
  return bound.length === 0
    ? book.message(route.requestType)
    : book.messageWithout(route.requestType, bound);
}

/** The body field's value, less what the path binds inside it (`note.id` of `body: "note"`). */
function fieldBody(route: HttpRule, bound: readonly string[], book: SchemaBook): Schema {
  const field = fieldAt(route.requestType, route.body);
  if (field === null) {
    throw new Error(`${route.method}: body "${route.body}" is not a field of the request`);
  }
  const inside = bound
    .filter((path) => path.startsWith(`${route.body}.`))
    .map((path) => path.slice(route.body.length + 1));
  const schema =
    inside.length > 0 && field.fieldKind === "message"
      ? { ...book.messageWithout(field.message, inside), ...descriptionOf(book.field(field)) }
      : book.field(field);
  if (route.bodyMask === "") {
    return schema;
  }
  const mask = `Send only the fields to change: without \`${route.bodyMask}\` in the query, the fields present are the ones changed.`;
  return { ...schema, description: [schema.description, mask].filter(Boolean).join("\n\n") };
}

function responsesOf(route: HttpRule, book: SchemaBook): Record<string, Response> {
  const responses: Record<string, Response> = { [route.successStatus]: successOf(route, book) };
  for (const status of errorStatusesOf(route)) {
    responses[status] = { $ref: `#/components/responses/${status}` };
  }
  return responses;
}

function successOf(route: HttpRule, book: SchemaBook): Response {
  if (route.successStatus === 204) {
    return { description: "Done; no content." };
  }
  const field = route.responseBody === "" ? null : fieldAt(route.responseType, route.responseBody);
  const schema = field === null ? book.message(route.responseType) : book.field(field);
  const description = schema.description ?? commentOf(route.responseType) ?? "Success.";
  return { description, content: { "application/json": { schema } } };
}

function descriptionOf(schema: Schema): { description?: string } {
  return schema.description === undefined ? {} : { description: schema.description };
}

function lowercase<V extends string>(verb: V): Lowercase<V> {
  return verb.toLowerCase() as Lowercase<V>;
}
