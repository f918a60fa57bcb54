import {
  type DescMessage,
  type JsonValue,
  type Message,
  mergeFromJson,
  type Registry,
} from "@bufbuild/protobuf";
import { type InvalidArgument, invalidArgument, invalidBodyField } from "../invalid-argument.ts";
import { locateFault } from "./locate-fault.ts";

/** Where a request's JSON came from: errors name a body field, a path variable or a parameter. */
export type Source = "body" | "path variable" | "query parameter";

/**
 * Reads `json` into `message` by protobuf-es's proto3 JSON reader (proto and lowerCamelCase
 * names, int64 as numbers or strings, enums by name, RFC 3339 Timestamps, FieldMasks as comma
 * lists; unknown fields refused; `google.protobuf.Any` of the types in `registry`). Fields already set are overwritten, lists appended to. A
 * refusal is returned, naming the field and saying why without quoting the value; never throws.
 */
export function readJson(
  schema: DescMessage,
  message: Message,
  json: unknown,
  source: Source,
  registry?: Registry,
): InvalidArgument | null {
  try {
    mergeFromJson(schema, message, json as JsonValue, { registry });
    return null;
  } catch {
    const fault = locateFault(schema, json);
    if (source === "body") {
      return invalidBodyField(fault.path === "" ? "body" : fault.path, fault.reason);
    }
    return invalidArgument(source, fault.path, fault.reason);
  }
}
