import { posix } from "node:path";

// What a folder copied into its own repository needs from its configuration: nothing outside
// itself, and the same rules as in the workspace.

/** The Biome preset every lint config extends, as a package export. */
export const BIOME_PRESET = "@trellis/biome-config/biome";

/** The fields of a tsconfig.json or biome.json these rules read. */
export interface ConfigFile {
  extends?: string | string[];
  [field: string]: unknown;
}

/** The fields of a package.json these rules read. */
export interface LintManifest {
  scripts?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * The `extends` entries that reach outside the config's folder: a path through `..`, an absolute
 * path, or Biome's `//` (the workspace root's config). A package name stays in: it installs.
 */
export function extendsOutside(config: ConfigFile): string[] {
  const entries = typeof config.extends === "string" ? [config.extends] : (config.extends ?? []);
  return entries.filter(
    (entry) => entry === "//" || entry.startsWith("/") || entry.split(/[\\/]/).includes(".."),
  );
}

/** The compiler options of `own` that differ from `base`'s, but for the ones named `allowed`. */
export function optionsDrift(
  own: Record<string, unknown>,
  base: Record<string, unknown>,
  allowed: readonly string[] = [],
): string[] {
  const names = new Set([...Object.keys(own), ...Object.keys(base)]);
  return [...names]
    .filter((name) => !allowed.includes(name))
    .filter((name) => JSON.stringify(own[name]) !== JSON.stringify(base[name]))
    .sort();
}

/**
 * What keeps a folder's biome.json from linting the folder alone as the workspace lints it. Biome
 * ignores a `root: false` config with no root above it (its defaults apply), and the rules live
 * in the preset, so the folder's own config says only that it is a root extending the preset.
 */
export function biomeConfigProblems(config: ConfigFile | null): string[] {
  if (config === null) {
    return ["no biome.json"];
  }
  const problems: string[] = [];
  if (config.root !== true) {
    problems.push("not root: true (copied out alone, Biome would ignore it)");
  }
  const entries = typeof config.extends === "string" ? [config.extends] : (config.extends ?? []);
  if (entries.length !== 1 || entries[0] !== BIOME_PRESET) {
    problems.push(`extends ${JSON.stringify(entries)}, not ["${BIOME_PRESET}"] alone`);
  }
  for (const field of Object.keys(config)) {
    if (!["$schema", "root", "extends"].includes(field)) {
      problems.push(`${field}: a setting of its own, not the preset's`);
    }
  }
  return problems;
}

/** What keeps `bun run lint` in the folder from running the preset with the root's Biome. */
export function lintSetupProblems(manifest: LintManifest, biomeVersion: string): string[] {
  const problems: string[] = [];
  if (manifest.scripts?.lint !== "biome check .") {
    problems.push(`lint script is ${JSON.stringify(manifest.scripts?.lint)}`);
  }
  const dev = manifest.devDependencies ?? {};
  if (dev["@biomejs/biome"] !== biomeVersion) {
    problems.push(
      `@biomejs/biome is ${JSON.stringify(dev["@biomejs/biome"])}, not ${biomeVersion}`,
    );
  }
  if (dev["@trellis/biome-config"] === undefined) {
    problems.push("no @trellis/biome-config devDependency");
  }
  return problems;
}

/** A `..` path at the start of a string, word or link, not inside a longer path or a `...`. */
const CLIMBING_PATH = /(?<![\w./\\-])\.\.(?:\/[\w.@+\-/]*|(?![\w.]))/g;

/**
 * The relative paths in `file` (of `folder`; both relative to the root, "/"-separated) that climb
 * out of the folder, resolved from the file's own folder: an import, a path joined onto
 * `import.meta.dir`, a README's link. Copied out alone, each names a file that is not there.
 */
export function pathsOutside(folder: string, file: string, text: string): string[] {
  const from = posix.dirname(file);
  return [...text.matchAll(CLIMBING_PATH)]
    .map(([path]) => path)
    .filter((path) => posix.relative(folder, posix.join(from, path)).split("/")[0] === "..");
}
