import { join } from "node:path";

/** An export target as package.json writes it: a path, or conditions mapping to paths. */
export type ExportTarget = string | { [condition: string]: string };

/** The package.json fields the release scripts read or rewrite; the rest passes through. */
export interface PackageManifest {
  name: string;
  version: string;
  private?: boolean;
  files?: string[];
  exports?: Record<string, ExportTarget>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [field: string]: unknown;
}

/** A package of the workspace: its folder and its manifest. */
export interface WorkspacePackage {
  dir: string;
  manifest: PackageManifest;
}

/** Reads `<dir>/package.json`. */
export async function readPackage(dir: string): Promise<WorkspacePackage> {
  const manifest = (await Bun.file(join(dir, "package.json")).json()) as PackageManifest;
  return { dir, manifest };
}

/** The packages named by the root package.json's `workspaces` globs, by name. */
export async function workspacePackages(root: string): Promise<WorkspacePackage[]> {
  const rootManifest = (await Bun.file(join(root, "package.json")).json()) as {
    workspaces?: string[];
  };
  const found: WorkspacePackage[] = [];
  for (const pattern of rootManifest.workspaces ?? []) {
    const glob = new Bun.Glob(`${pattern}/package.json`);
    for await (const file of glob.scan({ cwd: root, onlyFiles: true })) {
      found.push(await readPackage(join(root, file, "..")));
    }
  }
  return found.sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
}

/** The workspace packages that are not private. */
export async function publicPackages(root: string): Promise<WorkspacePackage[]> {
  return (await workspacePackages(root)).filter((pkg) => pkg.manifest.private !== true);
}

/**
 * `packages` in the order they can be published: each after the packages of the set it depends
 * on (`dependencies`; devDependencies are not installed by consumers, and the kit and the
 * harness name each other there), by name otherwise. A consumer installing a fresh release of
 * @trellis/testing must find the @trellis/service-kit it names already there.
 */
export function publishOrder(packages: readonly WorkspacePackage[]): WorkspacePackage[] {
  const byName = new Map(packages.map((pkg) => [pkg.manifest.name, pkg]));
  const ordered: WorkspacePackage[] = [];
  const visiting = new Set<string>();
  const visit = (pkg: WorkspacePackage): void => {
    const { name } = pkg.manifest;
    if (ordered.includes(pkg)) {
      return;
    }
    if (visiting.has(name)) {
      throw new Error(`publishOrder: ${name} depends on itself through its dependencies`);
    }
    visiting.add(name);
    for (const dependency of Object.keys(pkg.manifest.dependencies ?? {}).sort()) {
      const local = byName.get(dependency);
      if (local !== undefined) {
        visit(local);
      }
    }
    visiting.delete(name);
    ordered.push(pkg);
  };
  const sorted = [...packages].sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
  for (const pkg of sorted) {
    visit(pkg);
  }
  return ordered;
}
