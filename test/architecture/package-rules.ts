/** A package folder of the workspace and the package folders its code may import. */
export interface PackageRule {
  /** Relative to the repository root; `services/*` is every folder under services/. */
  folder: string;
  /** How the README's package diagram labels it. */
  label: string;
  mayImport: readonly string[];
  /** What its test code (`isTestFile`) may import on top: the harness, which never ships. */
  testsMayImport?: readonly string[];
}

/**
 * Who may import whom: the arrows of the README's package diagram (imports.test.ts keeps the
 * two equal). Contracts and the kit are published and import no package of ours; the test
 * harness (testing) builds on the kit; a service sees contracts and the kit, and its tests the
 * harness too, never another service or the gateway; the web app takes the gateway's types and
 * its one shared function; nothing imports bench, whose numbers must measure the code as it
 * ships. The root package holds scripts/ and test/; its system tests (test/system) may import
 * the gateway's exports (the provider names, the fake provider's sign-in). The lint preset
 * (biome-config) is JSON that Biome reads: no code imports it and it imports nothing.
 */
export const packageRules: readonly PackageRule[] = [
  { folder: "biome-config", label: "biome-config", mayImport: [] },
  { folder: "contracts", label: "contracts", mayImport: [] },
  { folder: "service-kit", label: "service-kit", mayImport: [], testsMayImport: ["testing"] },
  { folder: "testing", label: "testing", mayImport: ["service-kit"] },
  {
    folder: "service-template",
    label: "service-template",
    mayImport: ["contracts", "service-kit"],
    testsMayImport: ["testing"],
  },
  {
    folder: "services/*",
    label: "services/*",
    mayImport: ["contracts", "service-kit"],
    testsMayImport: ["testing"],
  },
  {
    folder: "gateway",
    label: "gateway",
    mayImport: ["contracts", "service-kit"],
    testsMayImport: ["testing"],
  },
  { folder: "gateway/web", label: "gateway/web", mayImport: ["contracts", "gateway"] },
  {
    folder: "bench",
    label: "bench",
    mayImport: ["contracts", "service-kit", "gateway", "testing"],
  },
  {
    folder: ".",
    label: "scripts, test",
    mayImport: ["contracts", "service-kit", "testing"],
    testsMayImport: ["gateway"],
  },
];

/**
 * Whether `path` (relative to the root) is test code: a `*.test.ts`, or a file under a `test/`
 * folder or a `src/testing/` one (a service's fakes and fixtures). Nothing else may import the
 * harness, so no service binary can bundle it.
 */
export function isTestFile(path: string): boolean {
  return /\.test\.ts$|(^|\/)test\/|(^|\/)src\/testing\//.test(path);
}

/**
 * The package folder holding `path` (relative to the root, "/"-separated): the deepest rule
 * folder it is in, `services/<name>` for a service, "." for the root package.
 */
export function packageOf(path: string): string {
  let found = ".";
  for (const { folder } of packageRules) {
    const candidate = folder.endsWith("/*") ? serviceFolder(path, folder) : folder;
    if (candidate !== null && path.startsWith(`${candidate}/`) && candidate.length > found.length) {
      found = candidate;
    }
  }
  return found;
}

/** The rule for a package folder that `packageOf` returned. */
export function ruleOf(packageFolder: string): PackageRule {
  const rule = packageRules.find(
    ({ folder }) => folder === packageFolder || serviceFolder(`${packageFolder}/`, folder) !== null,
  );
  if (rule === undefined) {
    throw new Error(`no package rule for ${packageFolder}`);
  }
  return rule;
}

/** `services/<name>` when `path` is inside one and `folder` is `services/*`, else null. */
function serviceFolder(path: string, folder: string): string | null {
  if (!folder.endsWith("/*")) {
    return null;
  }
  const parent = folder.slice(0, -1);
  const name = path.startsWith(parent) ? path.slice(parent.length).split("/")[0] : undefined;
  return name === undefined || name === "" || !path.startsWith(`${parent}${name}/`)
    ? null
    : `${parent}${name}`;
}
