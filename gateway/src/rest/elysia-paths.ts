import type { RestRoute } from "./rest-api.ts";

/** An Elysia route that hands its requests to the rest router. */
export type ElysiaPath = { readonly verb: string; readonly path: string };

// Elysia reads `:` and `*` in a path; a literal holding them ends the prefix.
const plainLiteral = /^[A-Za-z0-9._~!$&'()+,;=@%-]+$/;

/**
 * The Elysia paths that reach `routes`, deduplicated: each template's leading literal segments,
 * then `/*` when anything follows (a variable, a wildcard, a literal with a custom verb), and the
 * bare prefix too when what follows may match no segment (`**`). Elysia only narrows the
 * request down to the rest router, which decides, so one path can serve many templates.
 */
export function elysiaPathsOf(routes: readonly RestRoute[]): ElysiaPath[] {
  const seen = new Map<string, ElysiaPath>();
  const add = (verb: string, path: string): void => {
    seen.set(`${verb} ${path}`, { verb, path });
  };
  for (const route of routes) {
    const { segments, verb } = route.template;
    const prefix: string[] = [];
    for (const segment of segments) {
      if (segment.kind !== "literal" || !plainLiteral.test(segment.text)) {
        break;
      }
      prefix.push(segment.text);
    }
    // A custom verb sits in the last segment: that one goes to the wildcard.
    if (verb !== null && prefix.length === segments.length) {
      prefix.pop();
    }
    const base = `/${prefix.join("/")}`;
    if (prefix.length === segments.length) {
      add(route.verb, base);
      continue;
    }
    add(route.verb, `${base === "/" ? "" : base}/*`);
    const next = segments[prefix.length];
    const deep =
      next?.kind === "deep-wildcard" ||
      (next?.kind === "variable" &&
        next.segments.length === 1 &&
        next.segments[0]?.kind === "deep-wildcard");
    if (deep && prefix.length === segments.length - 1) {
      add(route.verb, base);
    }
  }
  return [...seen.values()];
}
