import {
  type Document,
  isMap,
  isScalar,
  parseDocument,
  type Scalar,
  visit,
  type YAMLMap,
} from "yaml";
import { renamed } from "./names.ts";

/** As the Compose files are written: no folding, `["CMD", …]` unpadded; comments kept. */
const STRINGIFY = { lineWidth: 0, flowCollectionPadding: false } as const;

export function parseYaml(text: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new Error(doc.errors.map((error) => error.message).join("\n"));
  }
  return doc;
}

export function stringifyYaml(doc: Document): string {
  return doc.toString(STRINGIFY);
}

/** The map at `path`; throws naming the path when the file has none there. */
export function mapAt(doc: Document, path: string[]): YAMLMap {
  const node = doc.getIn(path, true);
  if (!isMap(node)) {
    throw new Error(`no map at ${path.join(".")}`);
  }
  return node;
}

/** The string scalar at `key` of `map`; throws when there is none. */
export function scalarAt(map: YAMLMap, key: string): Scalar<string> {
  const node = map.get(key, true);
  if (!isScalar(node) || typeof node.value !== "string") {
    throw new Error(`no string at ${key}`);
  }
  return node as Scalar<string>;
}

/** A deep copy of the model's node, its strings and comments naming `name` instead. */
export function renamedCopy<T extends object>(node: T, name: string): T {
  const copy = (node as unknown as YAMLMap).clone() as unknown as T;
  const rename = (n: { comment?: string | null; commentBefore?: string | null }) => {
    n.comment &&= renamed(n.comment, name);
    n.commentBefore &&= renamed(n.commentBefore, name);
  };
  visit(copy as unknown as YAMLMap, {
    Node(_, n) {
      rename(n);
    },
    Scalar(_, n) {
      if (typeof n.value === "string") {
        n.value = renamed(n.value, name);
      }
    },
  });
  return copy;
}

/**
 * Puts `value` at `key` in `map`, before the first key of the group (`inGroup`, by default every
 * key) that sorts after it, else after the group's last: the files keep services and dependencies
 * in alphabetical order, which dclint checks. A blank line before it when `spaced`.
 */
export function insertSorted(
  doc: Document,
  map: YAMLMap,
  entry: { key: string; value: unknown; spaced?: boolean },
  inGroup: (key: string) => boolean = () => true,
): void {
  const { key, value, spaced = false } = entry;
  const pair = doc.createPair(key, value);
  const keys = map.items.map((item) => String(isScalar(item.key) ? item.key.value : item.key));
  let at = keys.findIndex((k) => inGroup(k) && k.localeCompare(key) > 0);
  if (at === -1) {
    const last = keys.findLastIndex(inGroup);
    at = last === -1 ? keys.length : last + 1;
  }
  map.items.splice(at, 0, pair);
  if (spaced && isScalar(pair.key)) {
    // First of the map, it takes the place (and no blank line) of the one it comes before.
    const next = map.items[at + 1]?.key;
    pair.key.spaceBefore = at > 0;
    if (at === 0 && isScalar(next)) {
      next.spaceBefore = true;
    }
  }
}
