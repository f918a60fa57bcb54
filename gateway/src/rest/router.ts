import { type CompiledTemplate, compileTemplate } from "./compile-template.ts";
import { type InvalidArgument, invalidArgument } from "./invalid-argument.ts";
import { decodeAll, decodeKeepingSlash } from "./percent-decode.ts";
import type { PathTemplate } from "./template.ts";

/** A route the router can hold: an HTTP verb (GET, POST, …) and a parsed path template. */
export type RoutableRoute = { readonly verb: string; readonly template: PathTemplate };

/** Path variables by field path ("book.name"), in an object without a prototype. */
export type Bindings = Record<string, string>;

export type RouteMatch<R> =
  | { readonly kind: "match"; readonly route: R; readonly bindings: Bindings }
  | { readonly kind: "none" }
  | { readonly kind: "invalid"; readonly route: R; readonly error: InvalidArgument };

export type Router<R> = {
  match(verb: string, path: string): RouteMatch<R>;
  /** The verbs some route answers at `path`, sorted: a 405's Allow header. */
  verbsAt(path: string): string[];
};

type Leaf<R> = { readonly route: R; readonly compiled: CompiledTemplate };

// One trie per HTTP verb and custom verb. A request walks it segment by segment, trying the
// literal child, then `*`, then `**`, and backs up when a branch dead-ends (Envoy's order).
type Node<R> = {
  readonly literals: Map<string, Node<R>>;
  wildcard: Node<R> | null;
  deep: Leaf<R> | null;
  leaf: Leaf<R> | null;
};

type Tries<R> = { readonly plain: Node<R>; readonly verbs: Map<string, Node<R>> };

const none = { kind: "none" } as const;

const newNode = <R>(): Node<R> => ({ literals: new Map(), wildcard: null, deep: null, leaf: null });

function insert<R>(root: Node<R>, leaf: Leaf<R>): void {
  let node = root;
  for (const step of leaf.compiled.steps) {
    if (step.kind === "deep-wildcard") {
      // parseTemplate keeps `**` last; of two equal templates the first one stays.
      node.deep ??= leaf;
      return;
    }
    if (step.kind === "wildcard") {
      node.wildcard ??= newNode();
      node = node.wildcard;
      continue;
    }
    let child = node.literals.get(step.value);
    if (child === undefined) {
      child = newNode();
      node.literals.set(step.value, child);
    }
    node = child;
  }
  node.leaf ??= leaf;
}

function lookup<R>(node: Node<R>, keys: readonly (string | null)[], i: number): Leaf<R> | null {
  if (i === keys.length) {
    return node.leaf ?? node.deep;
  }
  const key = keys[i] ?? null;
  const literal = key === null ? undefined : node.literals.get(key);
  const viaLiteral = literal === undefined ? null : lookup(literal, keys, i + 1);
  if (viaLiteral !== null) {
    return viaLiteral;
  }
  const viaWildcard = node.wildcard === null ? null : lookup(node.wildcard, keys, i + 1);
  return viaWildcard ?? node.deep;
}

function bind<R>(leaf: Leaf<R>, segments: readonly string[]): RouteMatch<R> {
  const bindings: Bindings = Object.create(null);
  for (const capture of leaf.compiled.captures) {
    const value = capture.single
      ? decodeAll(segments[capture.start] ?? "")
      : decodeSpan(segments.slice(capture.start, capture.end ?? segments.length));
    if (value === null) {
      const error = invalidArgument("path variable", capture.field, "malformed percent-encoding");
      return { kind: "invalid", route: leaf.route, error };
    }
    bindings[capture.field] = value;
  }
  return { kind: "match", route: leaf.route, bindings };
}

function decodeSpan(segments: readonly string[]): string | null {
  const decoded: string[] = [];
  for (const segment of segments) {
    const value = decodeKeepingSlash(segment);
    if (value === null) {
      return null;
    }
    decoded.push(value);
  }
  return decoded.join("/");
}

/** Matches `body` (a path without its leading "/") in one trie. */
function matchIn<R>(root: Node<R>, body: string): RouteMatch<R> {
  const segments = body === "" ? [] : body.split("/");
  const keys: (string | null)[] = [];
  for (const segment of segments) {
    if (segment === "") {
      return none;
    }
    // A literal matches its decoded text; a malformed segment can still fill a variable,
    // which then reports it.
    keys.push(decodeAll(segment));
  }
  const leaf = lookup(root, keys, 0);
  return leaf === null ? none : bind(leaf, segments);
}

/** A custom verb is what follows the last ':' of the last segment, when some route has it. */
function matchVerb<R>(tries: Tries<R>, path: string): RouteMatch<R> {
  const colon = path.lastIndexOf(":");
  if (tries.verbs.size === 0 || colon < path.lastIndexOf("/")) {
    return none;
  }
  const root = tries.verbs.get(path.slice(colon + 1));
  return root === undefined ? none : matchIn(root, path.slice(1, colon));
}

/**
 * Routes requests among `routes`. Precedence, at each segment from the left: a literal beats
 * `*`, which beats `**`; a template ending here beats a `**` matching nothing. One trailing
 * slash is ignored; other empty segments match nothing. Of two routes with equal templates the
 * first wins (findConflicts refuses such a pair before they get here).
 */
export function createRouter<R extends RoutableRoute>(routes: readonly R[]): Router<R> {
  const byVerb = new Map<string, Tries<R>>();
  for (const route of routes) {
    const verb = route.verb.toUpperCase();
    let tries = byVerb.get(verb);
    if (tries === undefined) {
      tries = { plain: newNode(), verbs: new Map() };
      byVerb.set(verb, tries);
    }
    const compiled = compileTemplate(route.template);
    let root = tries.plain;
    if (compiled.verb !== null) {
      root = tries.verbs.get(compiled.verb) ?? newNode();
      tries.verbs.set(compiled.verb, root);
    }
    insert(root, { route, compiled });
  }
  const match = (verb: string, path: string): RouteMatch<R> => {
    const tries = byVerb.get(verb.toUpperCase());
    return tries === undefined || !path.startsWith("/") ? none : matchTries(tries, path);
  };
  return {
    match,
    verbsAt: (path) =>
      [...byVerb.keys()].filter((verb) => match(verb, path).kind !== "none").sort(),
  };
}

function matchTries<R>(tries: Tries<R>, path: string): RouteMatch<R> {
  const withVerb = matchVerb(tries, path);
  if (withVerb.kind !== "none") {
    return withVerb;
  }
  const trailing = path.length > 2 && path.endsWith("/");
  return matchIn(tries.plain, trailing ? path.slice(1, -1) : path.slice(1));
}
