import type { Bindings } from "./router.ts";
import type { PathTemplate } from "./template.ts";

// How http.proto says a client expands a variable: a single-segment one percent-encodes all
// but [-_.~0-9a-zA-Z]; a multi-segment one also keeps "/". So a "%2F" that a multi-segment
// binding kept comes back as "%252F": render what a client sent, not what the server decoded.
const encodeSegment = (value: string): string =>
  encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

const encodeSegments = (value: string): string => value.split("/").map(encodeSegment).join("/");

/**
 * The path `template` stands for with `bindings`, or null when it has a wildcard outside a
 * variable or a variable without a value. The values are not checked against the variables'
 * templates: matching does that. A `**` that holds nothing leaves no empty segment behind.
 */
export function renderPath(template: PathTemplate, bindings: Bindings): string | null {
  const parts: string[] = [];
  for (const segment of template.segments) {
    if (segment.kind !== "variable") {
      if (segment.kind !== "literal") {
        return null;
      }
      parts.push(segment.text);
      continue;
    }
    const value = bindings[segment.field];
    if (value === undefined) {
      return null;
    }
    const single = segment.segments.length === 1 && segment.segments[0]?.kind !== "deep-wildcard";
    const text = single ? encodeSegment(value) : encodeSegments(value);
    if (text !== "" || single) {
      parts.push(text);
    }
  }
  const path = `/${parts.join("/")}`;
  return template.verb === null ? path : `${path}:${template.verb}`;
}
