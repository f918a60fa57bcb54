import { decodeAll } from "./percent-decode.ts";
import type { PathTemplate, PlainSegment } from "./template.ts";

/** What one segment of a request path must be: a literal (decoded), any one segment, or the rest. */
export type Step =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "wildcard" }
  | { readonly kind: "deep-wildcard" };

/**
 * Where a variable's value lies in the request path's segments: from `start` up to `end`
 * (exclusive; null for "to the end", a `**`). `single` variables are one segment, decoded whole.
 */
export type Capture = {
  readonly field: string;
  readonly start: number;
  readonly end: number | null;
  readonly single: boolean;
};

/**
 * A template flattened for matching. Variables only name spans of the steps, so two templates
 * match the same requests exactly when their `key`s are equal.
 */
export type CompiledTemplate = {
  readonly steps: Step[];
  readonly captures: Capture[];
  readonly verb: string | null;
  readonly key: string;
};

function stepOf(segment: PlainSegment): Step {
  if (segment.kind === "literal") {
    // parseTemplate refused literals that do not decode.
    return { kind: "literal", value: decodeAll(segment.text) ?? segment.text };
  }
  return segment.kind === "wildcard" ? { kind: "wildcard" } : { kind: "deep-wildcard" };
}

const keyOf = (step: Step): string =>
  step.kind === "literal"
    ? `=${encodeURIComponent(step.value)}`
    : step.kind === "wildcard"
      ? "*"
      : "**";

export function compileTemplate(template: PathTemplate): CompiledTemplate {
  const steps: Step[] = [];
  const captures: Capture[] = [];
  for (const segment of template.segments) {
    if (segment.kind !== "variable") {
      steps.push(stepOf(segment));
      continue;
    }
    const start = steps.length;
    steps.push(...segment.segments.map(stepOf));
    const deep = steps.at(-1)?.kind === "deep-wildcard";
    const single = segment.segments.length === 1 && !deep;
    captures.push({ field: segment.field, start, end: deep ? null : steps.length, single });
  }
  const path = steps.map(keyOf).join("/");
  const key = template.verb === null ? `/${path}` : `/${path}:${template.verb}`;
  return { steps, captures, verb: template.verb, key };
}
