// How `bun run release` publishes, decided from the registry and the settings the release
// workflow passes (NPM_REGISTRY, NPM_SCOPE, NPM_PROVENANCE, GITHUB_REPOSITORY_OWNER): pure
// functions, so each rule has a test (publish-settings.test.ts).

/** The scope the workspace names its packages with; a fork publishes under NPM_SCOPE instead. */
export const workspaceScope = "@trellis";

export const npmjsRegistry = "https://registry.npmjs.org";
export const githubPackagesRegistry = "https://npm.pkg.github.com";

type Env = Record<string, string | undefined>;

export interface PublishSettings {
  registry: string;
  /** `@name`, lower-case. */
  scope: string;
  /** NPM_PROVENANCE is not "false". */
  provenance: boolean;
  /** GITHUB_REPOSITORY_OWNER, when running in GitHub Actions. */
  owner?: string;
}

/** Which registry a URL names: npm's public one, GitHub Packages, or another (verdaccio). */
export function registryKind(url: string): "npmjs" | "github" | "other" {
  let host: string;
  try {
    host = new URL(url).host.toLowerCase();
  } catch {
    return "other";
  }
  if (host === "registry.npmjs.org") {
    return "npmjs";
  }
  if (host === "npm.pkg.github.com") {
    return "github";
  }
  return "other";
}

/** Normalizes a scope setting: `Acme`, `@Acme` -> `@acme`. */
export function normalizeScope(scope: string): string {
  const bare = scope.trim().replace(/^@/, "").toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(bare)) {
    throw new Error(`NPM_SCOPE "${scope}" is not an npm scope (@name)`);
  }
  return `@${bare}`;
}

/** The settings from the environment; the defaults are the workflow's (GitHub Packages). */
export function publishSettings(env: Env): PublishSettings {
  return {
    registry: env.NPM_REGISTRY || githubPackagesRegistry,
    scope: normalizeScope(env.NPM_SCOPE || workspaceScope),
    provenance: env.NPM_PROVENANCE?.trim().toLowerCase() !== "false",
    owner: env.GITHUB_REPOSITORY_OWNER || undefined,
  };
}

/**
 * Why these settings cannot publish, or null. On GitHub Packages a package is stored under the
 * account of its scope, so the scope must be the repository owner's name, lower-cased
 * (https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-npm-registry):
 * a fork of acme/trellis publishes @acme/*. Checked before anything is built or published.
 */
export function scopeProblem(settings: PublishSettings): string | null {
  if (registryKind(settings.registry) !== "github" || settings.owner === undefined) {
    return null;
  }
  const expected = `@${settings.owner.toLowerCase()}`;
  if (settings.scope === expected) {
    return null;
  }
  return `NPM_SCOPE is ${settings.scope} but GitHub Packages (${settings.registry}) only takes the repository owner's scope, ${expected}: set the repository variable NPM_SCOPE to ${expected}, or NPM_REGISTRY to another registry`;
}

/**
 * The flags of `npm publish` for a package:
 * - `--provenance` only on registry.npmjs.org, and unless NPM_PROVENANCE is "false" (npm signs
 *   a statement with Sigstore and needs a public source repository). GitHub Packages has no npm
 *   provenance: npm's docs describe provenance for the npm public registry only
 *   (https://docs.npmjs.com/generating-provenance-statements), and publishing a new package to
 *   npm.pkg.github.com with --provenance fails (npm/cli#6436, "Package visibility fails on GH
 *   packages with provenance"), so elsewhere it is `--provenance=false`, which also overrides an
 *   NPM_CONFIG_PROVENANCE left in the environment.
 * - `--access public` for a package that is not private, on registry.npmjs.org (a scoped
 *   package is restricted there by default). On GitHub Packages a package's visibility follows
 *   its repository, so no flag.
 */
export function publishFlags(settings: PublishSettings, manifest: { private?: boolean }): string[] {
  const npmjs = registryKind(settings.registry) === "npmjs";
  const flags = [npmjs && settings.provenance ? "--provenance" : "--provenance=false"];
  if (npmjs && manifest.private !== true) {
    flags.push("--access", "public");
  }
  return flags;
}

/** `name` under `scope` when it is one of the workspace's (`@trellis/x` -> `@acme/x`). */
export function scopedName(name: string, scope: string): string {
  const prefix = `${workspaceScope}/`;
  return name.startsWith(prefix) ? `${scope}/${name.slice(prefix.length)}` : name;
}
