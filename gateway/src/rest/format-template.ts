import type { PathTemplate, PlainSegment, Segment } from "./template.ts";

function plainText(segment: PlainSegment): string {
  switch (segment.kind) {
    case "literal":
      return segment.text;
    case "wildcard":
      return "*";
    case "deep-wildcard":
      return "**";
  }
}

function segmentText(segment: Segment): string {
  if (segment.kind !== "variable") {
    return plainText(segment);
  }
  const [only, ...more] = segment.segments;
  if (only?.kind === "wildcard" && more.length === 0) {
    return `{${segment.field}}`;
  }
  return `{${segment.field}=${segment.segments.map(plainText).join("/")}}`;
}

/** The canonical text of a template (`{x=*}` becomes `{x}`); parseTemplate reads it back. */
export function formatTemplate(template: PathTemplate): string {
  const path = `/${template.segments.map(segmentText).join("/")}`;
  return template.verb === null ? path : `${path}:${template.verb}`;
}
