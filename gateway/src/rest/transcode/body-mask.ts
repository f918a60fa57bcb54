import type { DescField, DescMessage } from "@bufbuild/protobuf";
import type { FieldTree } from "../query-fields.ts";

const fieldNamed = (schema: DescMessage, name: string): DescField | undefined =>
  schema.fields.find((f) => f.name === name || f.jsonName === name);

/**
 * The update mask of a PATCH whose rule has `bodyMask` (grpc-gateway's "patch feature"), as
 * FieldMask JSON ("title,body"): the body's top-level keys, as their fields' JSON names, when
 * the query does not set the mask. Fields the path sets (`{note.id}`) are left out: they say
 * which resource, not what changes. grpc-gateway also descends into nested objects
 * (`{"a": {"b": 1}}` gives `a.b`); we keep to the top level, which replaces a nested message
 * whole. Null when there is no mask to set: no rule, a mask in the query, a body not an object.
 */
export function bodyMaskJson(
  request: DescMessage,
  rule: { readonly body: string; readonly bodyMask: string },
  parts: { readonly bound: readonly string[]; readonly query: FieldTree; readonly body: unknown },
): { readonly field: string; readonly json: string } | null {
  const { body } = parts;
  const maskField = fieldNamed(request, rule.bodyMask);
  const bodyField = fieldNamed(request, rule.body);
  if (
    maskField === undefined ||
    bodyField?.message === undefined ||
    typeof body !== "object" ||
    body === null ||
    Array.isArray(body) ||
    parts.query[maskField.name] !== undefined ||
    parts.query[maskField.jsonName] !== undefined
  ) {
    return null;
  }
  const bound = new Set(parts.bound.map((path) => `${path}.`));
  const names = Object.keys(body).flatMap((key) => {
    const field = bodyField.message ? fieldNamed(bodyField.message, key) : undefined;
    return field === undefined || bound.has(`${rule.body}.${field.name}.`) ? [] : [field.jsonName];
  });
  return { field: maskField.name, json: names.join(",") };
}
