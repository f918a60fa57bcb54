import { alreadyListed } from "./names.ts";

/**
 * `text` with `line` added to the group of lines `listing` reads services from, in alphabetical
 * order among them (after the group when it sorts last). Throws when `listing` already finds
 * `name`, or finds no group to add to.
 */
export function withListedLine(
  file: string,
  text: string,
  entry: { name: string; line: string },
  listing: (line: string) => string | undefined,
): string {
  const lines = text.split("\n");
  const listed = lines.map(listing);
  if (listed.includes(entry.name)) {
    throw alreadyListed(file, entry.name);
  }
  const group = listed.flatMap((name, index) => (name === undefined ? [] : [index]));
  const last = group.at(-1);
  if (last === undefined) {
    throw new Error(`${file}: found no per-service lines to add ${entry.name} to`);
  }
  const before = group.find((index) => (listed[index] ?? "").localeCompare(entry.name) > 0);
  lines.splice(before ?? last + 1, 0, entry.line);
  return lines.join("\n");
}
