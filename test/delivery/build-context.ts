import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Instruction } from "./dockerfile.ts";
import { wordsOf } from "./dockerfile.ts";
import type { IgnoreRules } from "./dockerignore.ts";

/**
 * What a Dockerfile's COPY instructions would miss in a build context at `root` cut down by
 * `ignore`: a source that does not exist, is excluded, or is a folder with nothing left in it.
 * COPY --from reads another stage, not the context, and is skipped.
 */
export function missingFromContext(
  instructions: Instruction[],
  root: string,
  ignore: IgnoreRules,
): string[] {
  return instructions
    .filter((i) => (i.keyword === "COPY" || i.keyword === "ADD") && !/--from=/.test(i.args))
    .flatMap((copy) => {
      const words = wordsOf(copy.args).filter((word) => !word.startsWith("--"));
      return words.slice(0, -1).flatMap((source) => {
        const problem = sourceProblem(source, root, ignore);
        return problem === null ? [] : [`line ${copy.line}: ${source} ${problem}`];
      });
    });
}

function sourceProblem(source: string, root: string, ignore: IgnoreRules): string | null {
  const path = source.replace(/^\.\//, "").replace(/\/$/, "");
  if (!existsSync(join(root, path))) {
    return "does not exist";
  }
  if (!statSync(join(root, path)).isDirectory()) {
    return ignore.isExcluded(path) ? "is excluded by the .dockerignore" : null;
  }
  return filesUnder(root, path).some((file) => !ignore.isExcluded(file))
    ? null
    : "has no file left once the .dockerignore applies";
}

/** Files below a folder, relative to root; installed and generated folders are not walked. */
function filesUnder(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (!entry.isDirectory()) {
      return [path];
    }
    return entry.name === "node_modules" || entry.name === ".git" ? [] : filesUnder(root, path);
  });
}

/** A manifest's dependencies of every kind, by name. */
export interface DependencyManifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/**
 * The workspace folders whose package.json a pruned `bun install --frozen-lockfile` needs on disk
 * but the instructions do not copy before it: every workspace the root manifest or `own` (the
 * image's package) names, and every one those name in turn. `workspaces` maps a package name to
 * its folder and manifest; a manifest is copied as `COPY <folder>/package.json <folder>/`.
 */
export function workspaceManifestsMissing(
  instructions: Instruction[],
  root: DependencyManifest,
  own: DependencyManifest,
  workspaces: ReadonlyMap<string, { dir: string; manifest: DependencyManifest }>,
): string[] {
  const install = instructions.findIndex((i) => /\bbun install\b/.test(i.args));
  const copied = new Set(
    instructions
      .slice(0, install === -1 ? instructions.length : install)
      .filter((i) => i.keyword === "COPY" && !/--from=/.test(i.args))
      .flatMap((copy) =>
        wordsOf(copy.args)
          .filter((word) => !word.startsWith("--"))
          .slice(0, -1),
      )
      .filter((source) => source.endsWith("/package.json"))
      .map((source) => source.replace(/^\.\//, "").slice(0, -"/package.json".length)),
  );
  const needed = new Set<string>();
  const visit = (manifest: DependencyManifest): void => {
    const names = Object.keys({
      ...manifest.dependencies,
      ...manifest.devDependencies,
      ...manifest.optionalDependencies,
      ...manifest.peerDependencies,
    });
    for (const name of names) {
      const workspace = workspaces.get(name);
      if (workspace !== undefined && !needed.has(workspace.dir)) {
        needed.add(workspace.dir);
        visit(workspace.manifest);
      }
    }
  };
  visit(root);
  visit(own);
  return [...needed].filter((dir) => !copied.has(dir)).sort();
}
