// The path template grammar of google.api.http (googleapis google/api/http.proto):
//
//     Template = "/" Segments [ Verb ] ;
//     Segments = Segment { "/" Segment } ;
//     Segment  = "*" | "**" | LITERAL | Variable ;
//     Variable = "{" FieldPath [ "=" Segments ] "}" ;
//     FieldPath = IDENT { "." IDENT } ;
//     Verb     = ":" LITERAL ;
//
// Beyond the grammar, refused as grpc-gateway or http.proto's prose refuse them: `**` anywhere
// but last (Envoy and grpc-gateway accept fixed segments after it; http.proto says it "must be
// the last part of the URL path except the Verb"), nested variables, one field bound twice (or a
// field and one inside it), and empty segments. Also refused, to keep a template's text
// unambiguous: a raw `*` inside a literal, and a verb that is empty or holds a `:` (the verb is
// what follows the last `:` of the last segment). `/` alone is the root template, as in both.

/** A literal as written (still percent-encoded), `*`, or `**`. */
export type PlainSegment =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "wildcard" }
  | { readonly kind: "deep-wildcard" };

export type Segment =
  | PlainSegment
  | { readonly kind: "variable"; readonly field: string; readonly segments: PlainSegment[] };

export type PathTemplate = { readonly segments: Segment[]; readonly verb: string | null };

/** Why a template was refused; `message` names the template. */
export type TemplateError = { readonly template: string; readonly message: string };

export type TemplateResult =
  | { readonly ok: true; readonly template: PathTemplate }
  | { readonly ok: false; readonly error: TemplateError };

class Refusal {
  readonly problem: string;
  constructor(problem: string) {
    this.problem = problem;
  }
}

const ident = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Bindings become object keys on their way to a message; these would reach its prototype.
const reserved = new Set(["__proto__", "constructor", "prototype"]);
// RFC 3986 pchar but "*", which only ever means a wildcard here.
const pchars = /^(?:[A-Za-z0-9._~!$&'()+,;=:@-]|%[0-9A-Fa-f]{2})+$/;

/** Parses a google.api.http path template; never throws. */
export function parseTemplate(text: string): TemplateResult {
  try {
    return { ok: true, template: parse(text) };
  } catch (error) {
    if (error instanceof Refusal) {
      return {
        ok: false,
        error: {
          template: text,
          message: `path template ${JSON.stringify(text)}: ${error.problem}`,
        },
      };
    }
    throw error;
  }
}

function parse(text: string): PathTemplate {
  if (!text.startsWith("/")) {
    throw new Refusal("must start with /");
  }
  if (text === "/") {
    return { segments: [], verb: null };
  }
  const raw = splitTopLevel(text.slice(1));
  const { last, verb } = splitVerb(raw.at(-1) ?? "");
  raw[raw.length - 1] = last;
  const segments = raw.map(segment);
  checkShape(segments);
  return { segments, verb };
}

/** The template's segments split on the slashes outside braces. */
function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "{") {
      if (depth > 0) {
        throw new Refusal("variables cannot nest");
      }
      depth = 1;
    } else if (c === "}") {
      if (depth === 0) {
        throw new Refusal("'}' without '{'");
      }
      depth = 0;
    } else if (c === "/" && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  if (depth > 0) {
    throw new Refusal("unterminated variable");
  }
  parts.push(body.slice(start));
  return parts;
}

/**
 * The verb follows the last ':' of the last segment or, after a variable, the first ':' after
 * it (as grpc-gateway reads `{name}:a:b`, whose verb it takes to be "a:b").
 */
function splitVerb(last: string): { last: string; verb: string | null } {
  const close = last.lastIndexOf("}");
  const colon = close < 0 ? last.lastIndexOf(":") : last.indexOf(":", close);
  if (colon < 0) {
    return { last, verb: null };
  }
  const verb = last.slice(colon + 1);
  if (verb === "") {
    throw new Refusal("empty verb after ':'");
  }
  if (!pchars.test(verb) || verb.includes(":")) {
    throw new Refusal(`invalid verb ":${verb}"`);
  }
  return { last: last.slice(0, colon), verb };
}

function segment(raw: string): Segment {
  if (!raw.includes("{") && !raw.includes("}")) {
    return plain(raw);
  }
  if (!raw.startsWith("{") || !raw.endsWith("}")) {
    throw new Refusal(`a variable must be a whole segment, not "${raw}"`);
  }
  const inner = raw.slice(1, -1);
  const eq = inner.indexOf("=");
  const field = eq < 0 ? inner : inner.slice(0, eq);
  const parts = field.split(".");
  if (!parts.every((part) => ident.test(part))) {
    throw new Refusal(`invalid field path "${field}" in a variable`);
  }
  if (parts.some((part) => reserved.has(part))) {
    throw new Refusal(`field path "${field}" uses a reserved name`);
  }
  const segments =
    eq < 0
      ? [{ kind: "wildcard" } as const]
      : inner
          .slice(eq + 1)
          .split("/")
          .map(plain);
  return { kind: "variable", field, segments };
}

function plain(raw: string): PlainSegment {
  if (raw === "") {
    throw new Refusal("empty segment");
  }
  if (raw === "*") {
    return { kind: "wildcard" };
  }
  if (raw === "**") {
    return { kind: "deep-wildcard" };
  }
  if (!pchars.test(raw)) {
    throw new Refusal(`invalid literal "${raw}"`);
  }
  try {
    decodeURIComponent(raw);
  } catch {
    throw new Refusal(`literal "${raw}" is not percent-encoded UTF-8`);
  }
  return { kind: "literal", text: raw };
}

function checkShape(segments: readonly Segment[]): void {
  const flat = segments.flatMap((s) => (s.kind === "variable" ? s.segments : [s]));
  const deep = flat.findIndex((s) => s.kind === "deep-wildcard");
  if (deep >= 0 && deep !== flat.length - 1) {
    throw new Refusal("'**' must be the last segment");
  }
  const fields: string[] = [];
  for (const s of segments) {
    if (s.kind !== "variable") {
      continue;
    }
    const clash = fields.find(
      (f) => f === s.field || f.startsWith(`${s.field}.`) || s.field.startsWith(`${f}.`),
    );
    if (clash !== undefined) {
      throw new Refusal(
        clash === s.field
          ? `field "${s.field}" bound twice`
          : `fields "${clash}" and "${s.field}" overlap`,
      );
    }
    fields.push(s.field);
  }
}
