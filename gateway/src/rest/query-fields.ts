import { type InvalidArgument, invalidArgument } from "./invalid-argument.ts";
import { decodeAll } from "./percent-decode.ts";

/** Field values from a query string: strings, lists of strings, and messages of them. */
export type FieldValue = string | string[] | FieldTree;
/** Objects here have no prototype: a parameter can never reach Object.prototype. */
export type FieldTree = { [field: string]: FieldValue };

/**
 * What an HttpRule leaves to the query: `bound` are the field paths its path template binds;
 * `body` is its body field ("" none, "*" every field not in the path).
 */
export type QueryRule = { readonly bound: readonly string[]; readonly body: string };

export type QueryResult =
  | { readonly ok: true; readonly fields: FieldTree }
  | { readonly ok: false; readonly error: InvalidArgument };

const ident = /^[A-Za-z_][A-Za-z0-9_]*$/;
const reserved = new Set(["__proto__", "constructor", "prototype"]);

const decodeForm = (raw: string): string | null => decodeAll(raw.replaceAll("+", " "));

const covers = (a: string, b: string): boolean =>
  a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

/** Why the parameter `name` may not be used with `rule`, or null when it may. */
function refusal(name: string, rule: QueryRule): string | null {
  if (rule.body === "*") {
    return "not allowed: the request body carries every field";
  }
  const parts = name.split(".");
  if (!parts.every((part) => ident.test(part))) {
    return "not a field path";
  }
  if (parts.some((part) => reserved.has(part))) {
    return "a reserved name";
  }
  if (rule.bound.some((field) => covers(name, field))) {
    return "already bound by the path";
  }
  if (rule.body !== "" && covers(name, rule.body)) {
    return "carried by the request body";
  }
  return null;
}

/** Sets `value` at the field path `parts`; a second value for a field makes a list. */
function put(tree: FieldTree, parts: readonly string[], value: string): string | null {
  let node = tree;
  for (const [i, part] of parts.entries()) {
    const existing = node[part];
    if (i === parts.length - 1) {
      if (existing === undefined) {
        node[part] = value;
      } else if (typeof existing === "string") {
        node[part] = [existing, value];
      } else if (Array.isArray(existing)) {
        existing.push(value);
      } else {
        return `${parts.slice(0, i + 1).join(".")} has fields, so it cannot be a value`;
      }
      return null;
    }
    if (existing === undefined) {
      const child: FieldTree = Object.create(null);
      node[part] = child;
      node = child;
    } else if (typeof existing === "string" || Array.isArray(existing)) {
      return `${parts.slice(0, i + 1).join(".")} is a value, so it cannot have fields`;
    } else {
      node = existing;
    }
  }
  return null;
}

/**
 * The request fields a query string sets (`a.b=1&tag=x&tag=y`), as text: typing them is for
 * the proto3 JSON decoding after it. `+` is a space, as in forms. Never throws.
 */
export function queryToFields(query: string, rule: QueryRule): QueryResult {
  const fields: FieldTree = Object.create(null);
  const text = query.startsWith("?") ? query.slice(1) : query;
  for (const pair of text === "" ? [] : text.split("&")) {
    if (pair === "") {
      continue;
    }
    const eq = pair.indexOf("=");
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const name = decodeForm(rawName);
    const value = eq < 0 ? "" : decodeForm(pair.slice(eq + 1));
    const problem =
      name === null || value === null
        ? "malformed percent-encoding"
        : (refusal(name, rule) ?? put(fields, name.split("."), value));
    if (problem !== null) {
      return { ok: false, error: invalidArgument("query parameter", name ?? rawName, problem) };
    }
  }
  return { ok: true, fields };
}
