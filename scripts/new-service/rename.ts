import type { ServiceNames } from "./naming.ts";

/**
 * Rules for the places the template's `notes` is the service's name rather than its records'
 * plural: the package, the proto package and service, the binary, the image, the test server.
 * They run first; every other `note`/`notes` in any case is the resource.
 */
const SERVICE_RULES: [RegExp, (n: ServiceNames) => string][] = [
  [/@trellis\/notes\b/g, (n) => n.packageName],
  [/trellis\.notes\.v1/g, (n) => n.protoPackage],
  [/\bnotes\/v1\b/g, (n) => `${n.name}/v1`],
  [/NotesService/g, (n) => `${n.namePascal}Service`],
  [/Notes(?=Server|Client)/g, (n) => n.namePascal],
  [/\bnotes(?=-server|Database)/g, (n) => n.name],
  [/(?<=\bname"?: ")notes(?=")/g, (n) => n.name],
  [/(?<=dist\/|app\/|trellis-|trellis\/)notes\b/g, (n) => n.name],
  [/\bnotes(?= service\b)/g, (n) => n.name],
  [/\bservice-template\b/g, (n) => `services/${n.name}`],
];

const RESOURCE = /notes|note/gi;

// Private-use characters never occur in source text, so a marker cannot match a rule or clash.
const MARK = "\uE000";

/** The template's `text` (a file's content or path) as the new service spells it. */
export function renameText(text: string, names: ServiceNames): string {
  const kept: string[] = [];
  let marked = text;
  for (const [pattern, replace] of SERVICE_RULES) {
    marked = marked.replace(pattern, () => {
      kept.push(replace(names));
      return `${MARK}${kept.length - 1}${MARK}`;
    });
  }
  const renamed = marked.replace(RESOURCE, (word) => resourceWord(word, names));
  return renamed.replace(
    new RegExp(`${MARK}(\\d+)${MARK}`, "g"),
    (_, index: string) => kept[Number(index)] ?? "",
  );
}

/** `note`, `Note`, `NOTE`, `notes`, `Notes`, `NOTES` in the same case, for the resource. */
function resourceWord(word: string, names: ServiceNames): string {
  const plural = word.length === 5;
  if (word === word.toUpperCase()) {
    return plural ? names.pluralUpper : names.singularUpper;
  }
  if (word.charAt(0) === "N") {
    return plural ? names.pluralPascal : names.singularPascal;
  }
  return plural ? names.plural : names.singular;
}

/**
 * The words of the identifiers in source `text` (`ownerId` -> owner, id; `NOTE_ID` -> note, id),
 * leaving out comments and prose strings (test names, messages): a resource called `order` only
 * clashes with an identifier, not with "ordering" in a comment.
 */
export function identifierWords(text: string): Set<string> {
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:])\/\/.*$/gm, "$1")
    .replace(/--.*$/gm, "")
    .replace(/"[^"\n]*\s[^"\n]*"/g, '""');
  const words = new Set<string>();
  // Upper-case words without an underscore are SQL keywords (ORDER BY), not identifiers.
  const tokens = (code.match(/[A-Za-z][A-Za-z0-9_]*/g) ?? []).filter((t) => /[a-z_]/.test(t));
  for (const token of tokens.flatMap((t) => t.split("_"))) {
    for (const part of token.split(/(?<=[a-z0-9])(?=[A-Z])/)) {
      words.add(part.toLowerCase());
    }
  }
  return words;
}
