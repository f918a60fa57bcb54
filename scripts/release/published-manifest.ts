import { scopedName, workspaceScope } from "./publish-settings.ts";
import type { ExportTarget, PackageManifest } from "./workspace-packages.ts";

/** Where the compiled output of a package lands, next to its package.json when published. */
export const compiledDir = "dist";

/**
 * The package.json a consumer installs. The workspace manifest points `exports` at TypeScript
 * sources (`./<sourceRoot>/x.ts`) so the workspace runs with no build step; the published one
 * points each of them at the compiled `./dist/x.js` with `./dist/x.d.ts` types. Scripts and
 * dev dependencies are for working on the package, not for using it, so they are dropped.
 * With a `scope` other than @trellis (a fork's NPM_SCOPE), the package and the workspace
 * packages it depends on are published under that scope: its name and those dependencies' names
 * are renamed, their ranges kept.
 */
export function publishedManifest(
  source: PackageManifest,
  options: { sourceRoot: string; repositoryUrl?: string; directory?: string; scope?: string },
): PackageManifest {
  const scoped = options.scope === undefined ? source : withScope(source, options.scope);
  return compiledManifest(scoped, options);
}

function compiledManifest(
  source: PackageManifest,
  options: { sourceRoot: string; repositoryUrl?: string; directory?: string },
): PackageManifest {
  const { scripts: _scripts, devDependencies: _devDependencies, ...rest } = source;
  const exports =
    source.exports === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(source.exports).map(([subpath, target]) => [
            subpath,
            compiledTarget(target, options.sourceRoot),
          ]),
        );
  const repository =
    options.repositoryUrl === undefined
      ? source.repository
      : { type: "git", url: options.repositoryUrl, directory: options.directory };
  return { ...rest, ...(exports && { exports }), ...(repository !== undefined && { repository }) };
}

function compiledTarget(target: ExportTarget, sourceRoot: string): ExportTarget {
  const source = typeof target === "string" ? target : (target.default ?? target.import);
  // A root of "." (contracts: generated gen/ and hand-written src/) keeps the folder in dist/.
  const prefix = sourceRoot === "." ? "./" : `./${sourceRoot}/`;
  if (source === undefined || !source.startsWith(prefix) || !source.endsWith(".ts")) {
    return target;
  }
  const stem = `./${compiledDir}/${source.slice(prefix.length, -".ts".length)}`;
  return { types: `${stem}.d.ts`, default: `${stem}.js` };
}

const dependencyFields = ["dependencies", "peerDependencies", "optionalDependencies"] as const;

/** `manifest` with its name and its @trellis/* dependencies renamed to `scope`. */
export function withScope(manifest: PackageManifest, scope: string): PackageManifest {
  if (scope === workspaceScope) {
    return manifest;
  }
  const renamed: PackageManifest = { ...manifest, name: scopedName(manifest.name, scope) };
  for (const field of dependencyFields) {
    const ranges = manifest[field] as Record<string, string> | undefined;
    if (ranges !== undefined) {
      renamed[field] = Object.fromEntries(
        Object.entries(ranges).map(([name, range]) => [scopedName(name, scope), range]),
      );
    }
  }
  const bundled = manifest.bundleDependencies as string[] | undefined;
  if (bundled !== undefined) {
    renamed.bundleDependencies = bundled.map((name) => scopedName(name, scope));
  }
  return renamed;
}
