// Bun's scanner parses the code, so an import written in a string or a comment is not one; it
// leaves out type-only imports, which tie one package to another all the same, so they are
// made value imports first. (A `typeof import("...")` type is not seen.)
const transpiler = new Bun.Transpiler({ loader: "ts" });
const TYPE_IMPORT = /\b(import|export)\s+type\b(?=\s*[{*]|\s+[A-Za-z_$][\w$]*\s*(?:,|from\b))/g;
const TYPE_SPECIFIER = /([{,]\s*)type\s+(?=[A-Za-z_$][\w$]*\s*(?:[,}]|as\b))/g;
const SCRIPT = /<script\b[^>]*>([\s\S]*?)<\/script>/gi;

/**
 * What a source file imports: static imports, `export ... from` and dynamic `import()`, type-only
 * ones included. For a .svelte file, what its <script> blocks import.
 */
export function importSpecifiers(path: string, text: string): string[] {
  const code = path.endsWith(".svelte")
    ? [...text.matchAll(SCRIPT)].map((m) => m[1]).join("\n")
    : text;
  const valueImports = code.replace(TYPE_IMPORT, "$1").replace(TYPE_SPECIFIER, "$1");
  return transpiler.scanImports(valueImports).map((found) => found.path);
}
