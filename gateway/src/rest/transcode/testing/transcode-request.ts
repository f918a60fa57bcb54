import { fromBinary, type JsonValue, toJson } from "@bufbuild/protobuf";
import type { InvalidArgument } from "../../invalid-argument.ts";
import { queryToFields } from "../../query-fields.ts";
import type { Bindings } from "../../router.ts";
import { encodeRequest, type RequestRule } from "../encode-request.ts";

/** A request as a test writes it: path bindings, a query string, a parsed JSON body. */
export type TestRequest = { bindings?: Bindings; query?: string; body?: unknown };

export type Transcoded = { json: JsonValue } | { error: InvalidArgument };

/**
 * encodeRequest on a test's request, its bytes decoded back to JSON (default proto3 JSON options:
 * lowerCamelCase, empty values left out) so a table can compare whole messages.
 */
export function transcodeRequest(
  rule: RequestRule,
  { bindings = {}, query = "", body }: TestRequest,
): Transcoded {
  const fields = queryToFields(query, { bound: Object.keys(bindings), body: rule.body });
  if (!fields.ok) {
    throw new Error(`bad test query: ${fields.error.message}`);
  }
  const encoded = encodeRequest(rule, { bindings, query: fields.fields, body });
  if (!encoded.ok) {
    return { error: encoded.error };
  }
  const message = fromBinary(rule.requestType, encoded.bytes);
  return { json: toJson(rule.requestType, message, { registry: rule.registry }) };
}

export const bodyError = (field: string, reason: string) => ({
  error: { code: "INVALID_ARGUMENT" as const, field, message: `${field}: ${reason}` },
});

export const textError = (
  where: "query parameter" | "path variable",
  field: string,
  reason: string,
) => ({
  error: { code: "INVALID_ARGUMENT" as const, field, message: `${where} "${field}": ${reason}` },
});
