import { fromBinary, type JsonValue, type Registry, toJson } from "@bufbuild/protobuf";
import type { HttpRule, SuccessStatus } from "@trellis/contracts/http-rules";
import { decodeToJson } from "./binary-json/decode.ts";
import { planOf } from "./binary-json/plan.ts";
import { streamJson } from "./binary-json/stream-json.ts";
import { timestampsWithMillis } from "./timestamp-millis.ts";

/** What writeResponse needs of a route's rule; `registry` types a `google.protobuf.Any`. */
export type ResponseRule = Pick<HttpRule, "responseBody" | "responseType" | "successStatus"> & {
  readonly registry?: Registry;
};

/**
 * The HTTP answer to a successful call: its status and JSON (null for 204, which has no body),
 * or why the service's answer cannot be sent: a fault of the service, for a 500 whose message
 * stays in the log.
 */
export type WrittenResponse =
  | { readonly ok: true; readonly status: SuccessStatus; readonly json: JsonValue | null }
  | { readonly ok: false; readonly message: string };

// Today's notes JSON: every field, empty ones included ("body": ""), in lowerCamelCase.
const writeOptions = { alwaysEmitImplicit: true } as const;

/**
 * A service's binary answer as the route's JSON: the whole response message, or its
 * `response_body` field, in proto3 JSON with empty values kept and Timestamps to the
 * millisecond (timestamp-millis.ts). A 204 neither decodes nor writes anything.
 */
export function writeResponse(rule: ResponseRule, bytes: Uint8Array): WrittenResponse {
  if (rule.successStatus === 204) {
    return { ok: true, status: 204, json: null };
  }
  const schema = rule.responseType;
  let json: JsonValue;
  try {
    json = toJsonValue(rule, bytes);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `cannot write ${schema.typeName} as JSON: ${why}` };
  }
  if (rule.responseBody === "") {
    return { ok: true, status: rule.successStatus, json };
  }
  const field = schema.fields.find((f) => f.name === rule.responseBody);
  const selected =
    field !== undefined && typeof json === "object" && json !== null && !Array.isArray(json)
      ? json[field.jsonName]
      : undefined;
  if (selected === undefined) {
    return { ok: false, message: `${schema.typeName} has no ${rule.responseBody} to answer with` };
  }
  return { ok: true, status: rule.successStatus, json: selected };
}

/** By the compiled plan where the type allows (binary-json/), else by protobuf-es. */
function toJsonValue(rule: ResponseRule, bytes: Uint8Array): JsonValue {
  const schema = rule.responseType;
  const plan = planOf(schema);
  if (plan !== null) {
    return decodeToJson(plan, bytes) as JsonValue;
  }
  const json = toJson(schema, fromBinary(schema, bytes), {
    ...writeOptions,
    registry: rule.registry,
  });
  timestampsWithMillis(schema, json);
  return json;
}

/** The answer as the bytes of its JSON body (null for 204), or why it cannot be sent. */
export type WrittenBody =
  | { readonly ok: true; readonly status: SuccessStatus; readonly body: Uint8Array | null }
  | { readonly ok: false; readonly message: string };

/**
 * writeResponse's JSON as the body's UTF-8 bytes, written in one pass straight from the binary
 * where the type has a plan and the answer is in canonical order (binary-json/stream-json.ts);
 * else writeResponse's value, stringified. The bytes are the same either way.
 */
export function writeResponseBody(rule: ResponseRule, bytes: Uint8Array): WrittenBody {
  const streamed = rule.successStatus === 204 ? null : streamedBody(rule, bytes);
  if (streamed !== null) {
    return { ok: true, status: rule.successStatus, body: streamed };
  }
  const written = writeResponse(rule, bytes);
  if (!written.ok || written.json === null) {
    return written.ok ? { ok: true, status: written.status, body: null } : written;
  }
  return { ok: true, status: written.status, body: utf8.encode(JSON.stringify(written.json)) };
}

const utf8 = new TextEncoder();

/** The one-pass JSON, or null where writeResponse must answer (see writeResponseBody). */
function streamedBody(rule: ResponseRule, bytes: Uint8Array): Uint8Array | null {
  const schema = rule.responseType;
  const plan = planOf(schema);
  if (plan === null) {
    return null;
  }
  let selected = -1;
  if (rule.responseBody !== "") {
    const field = schema.fields.find((f) => f.name === rule.responseBody);
    const index = field === undefined ? undefined : plan.byNumber.get(field.number);
    if (index === undefined) {
      return null;
    }
    selected = index;
  }
  try {
    return streamJson(plan, bytes, selected);
  } catch {
    return null; // malformed: writeResponse decodes it again and says why
  }
}
