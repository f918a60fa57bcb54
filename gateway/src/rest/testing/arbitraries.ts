import fc from "fast-check";

// Generators for the property tests: templates, and paths made to fit them with the bindings
// a match must give back.

type Part = { kind: "literal"; text: string } | { kind: "wildcard" } | { kind: "deep" };
type Top = Part | { kind: "variable"; field: string; parts: Part[] };

const literal = (unit: fc.Arbitrary<string>) =>
  fc.string({ unit, minLength: 1, maxLength: 6 }).map((text): Part => ({ kind: "literal", text }));

// Unreserved characters only: a literal inside a variable comes back through encoding as is.
const plainLiteral = literal(fc.constantFrom(..."abcXYZ019-._~"));
// Every kind of literal the grammar allows: sub-delims, ':' and '@', percent-escapes.
const anyLiteral = literal(
  fc.constantFrom(..."aZ9-._~!$&'()+,;=@", ":", "%20", "%2F", "%2f", "%C3%A9", "%e2%82%ac"),
);
const field = fc
  .array(fc.stringMatching(/^[a-y_][a-z0-9_]{0,4}$/), { minLength: 1, maxLength: 3 })
  .filter((parts) => !parts.some((p) => ["__proto__", "constructor", "prototype"].includes(p)))
  .map((parts) => parts.join("."));

const partText = (part: Part): string =>
  part.kind === "literal" ? part.text : part.kind === "wildcard" ? "*" : "**";

const topText = (top: Top): string =>
  top.kind === "variable" ? `{${top.field}=${top.parts.map(partText).join("/")}}` : partText(top);

function templateArbitrary(lit: fc.Arbitrary<Part>, anonymousWildcards: boolean) {
  const part = fc.oneof(lit, fc.constant<Part>({ kind: "wildcard" }));
  const variable = fc.record({
    kind: fc.constant("variable" as const),
    field,
    parts: fc.array(part, { minLength: 1, maxLength: 3 }),
  });
  const top = anonymousWildcards ? fc.oneof(part, variable) : fc.oneof(lit, variable);
  return fc
    .record({
      tops: fc.array(top, { minLength: 1, maxLength: 5 }),
      deep: fc.constantFrom("none", "anonymous", "in-variable"),
      verb: fc.option(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,6}$/), { nil: null }),
    })
    .map(({ tops, deep, verb }) => withDeep(uniqueFields(tops), deep, anonymousWildcards, verb))
    .filter(({ tops, verb }) => verb !== null || !endsInColonLiteral(tops));
}

/** Without a verb, a ':' in the last literal would read as one. */
function endsInColonLiteral(tops: Top[]): boolean {
  const last = tops.at(-1);
  return last?.kind === "literal" && last.text.includes(":");
}

/** Fields made unique by a suffix on their first part, so that no two overlap. */
function uniqueFields(tops: Top[]): Top[] {
  return tops.map((top, i) => {
    if (top.kind !== "variable") {
      return top;
    }
    const [first, ...rest] = top.field.split(".");
    return { ...top, field: [`${first}_${i}`, ...rest].join(".") };
  });
}

function withDeep(tops: Top[], deep: string, anonymous: boolean, verb: string | null) {
  const all = [...tops];
  const last = all.at(-1);
  if (deep === "in-variable" && last?.kind === "variable") {
    all[all.length - 1] = { ...last, parts: [...last.parts, { kind: "deep" }] };
  } else if (deep !== "none") {
    all.push(
      anonymous
        ? { kind: "deep" }
        : { kind: "variable", field: "zz_rest", parts: [{ kind: "deep" }] },
    );
  }
  const text = `/${all.map(topText).join("/")}${verb === null ? "" : `:${verb}`}`;
  return { text, tops: all, verb };
}

/** Template texts the parser must accept, with every kind of segment and literal. */
export const templateText = templateArbitrary(anyLiteral, true).map((t) => t.text);

const segmentValue = fc
  .string({ unit: "binary", minLength: 1, maxLength: 5 })
  .filter((s) => !s.includes("/"));

function valueFitting(parts: Part[]): fc.Arbitrary<string> {
  const pieces = parts.map((part) =>
    part.kind === "literal"
      ? fc.constant([part.text])
      : part.kind === "wildcard"
        ? segmentValue.map((s) => [s])
        : fc.array(segmentValue, { maxLength: 3 }),
  );
  const single = parts.length === 1 && parts[0]?.kind === "wildcard";
  const anyValue = fc.string({ unit: "binary", minLength: 1, maxLength: 5 });
  return single ? anyValue : fc.tuple(...pieces).map((p) => p.flat().join("/"));
}

/** A template whose wildcards all sit in variables, with bindings that fit it. */
export const templateWithBindings = templateArbitrary(plainLiteral, false).chain(
  ({ text, tops }) => {
    const variables = tops.flatMap((top) => (top.kind === "variable" ? [top] : []));
    return fc.tuple(...variables.map((v) => valueFitting(v.parts))).map((values) => {
      const bindings: Record<string, string> = Object.create(null);
      for (const [i, v] of variables.entries()) {
        bindings[v.field] = values[i] ?? "";
      }
      return { text, bindings };
    });
  },
);
