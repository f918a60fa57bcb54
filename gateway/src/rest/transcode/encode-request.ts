import { create, type JsonValue, type Message, type Registry, toBinary } from "@bufbuild/protobuf";
import type { HttpRule } from "@trellis/contracts/http-rules";
import type { InvalidArgument } from "../invalid-argument.ts";
import type { FieldTree } from "../query-fields.ts";
import type { Bindings } from "../router.ts";
import { bodyMaskJson } from "./body-mask.ts";
import { readJson } from "./read-json.ts";
import { bindingsToTree, type TextSource, textToJson } from "./text-to-json.ts";

/** What encodeRequest needs of a route's rule; `registry` types a `google.protobuf.Any`. */
export type RequestRule = Pick<HttpRule, "body" | "bodyMask" | "requestType"> & {
  readonly registry?: Registry;
};

/** A matched request: the router's bindings, queryToFields' tree, the parsed JSON body. */
export type RequestParts = {
  readonly bindings: Bindings;
  readonly query: FieldTree;
  /** The parsed JSON body; undefined when the request has none. */
  readonly body: unknown;
};

export type EncodedRequest =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly error: InvalidArgument };

/**
 * The request message an HTTP request stands for, as the binary a gRPC call sends. The body
 * fills the whole message (`body: "*"`) or its body field; the query sets other fields; path
 * variables go last and so win over the body, as in grpc-gateway (`PATCH /api/notes/n1` with
 * `{"id": "n2"}` updates n1). A body under a rule without one is ignored, as grpc-gateway does;
 * no body under a rule with one is an empty message, for the service to judge. Errors are
 * values naming the field; never throws on what the request holds.
 */
export function encodeRequest(rule: RequestRule, parts: RequestParts): EncodedRequest {
  const schema = rule.requestType;
  const message = create(schema);
  const error =
    readBody(rule, message, parts.body) ??
    readText(rule, message, parts.query, "query parameter") ??
    readText(rule, message, bindingsToTree(parts.bindings), "path variable") ??
    readMask(rule, message, parts);
  if (error !== null) {
    return { ok: false, error };
  }
  return { ok: true, bytes: toBinary(schema, message) };
}

function readBody(rule: RequestRule, message: Message, body: unknown): InvalidArgument | null {
  if (rule.body === "" || body === undefined) {
    return null;
  }
  const json = rule.body === "*" ? body : { [rule.body]: body };
  return readJson(rule.requestType, message, json, "body", rule.registry);
}

function readText(
  rule: RequestRule,
  message: Message,
  tree: FieldTree,
  source: TextSource,
): InvalidArgument | null {
  const converted = textToJson(rule.requestType, tree, source);
  if (!converted.ok) {
    return converted.error;
  }
  return readJson(rule.requestType, message, converted.json, source, rule.registry);
}

function readMask(
  rule: RequestRule,
  message: Message,
  parts: RequestParts,
): InvalidArgument | null {
  if (rule.bodyMask === "") {
    return null;
  }
  const bound = Object.keys(parts.bindings);
  const mask = bodyMaskJson(rule.requestType, rule, { ...parts, bound });
  if (mask === null) {
    return null;
  }
  const json: JsonValue = { [mask.field]: mask.json };
  return readJson(rule.requestType, message, json, "body", rule.registry);
}
