import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Instruction } from "./dockerfile.ts";
import { wordsOf } from "./dockerfile.ts";
import type { IgnoreRules } from "./dockerignore.ts";

/**
 * What a Dockerfile's COPY instructions would miss in a build context at `root` cut down by
 * `ignore`: a source that does not exist, is excluded, or is a folder with nothing left in it,
 * and any source that leaves the context (`..`, an absolute path). A wildcard source (`bun.lock*`)
 * may match nothing, as BuildKit allows while another source of the COPY matches.
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
  if (source.startsWith("/") || path.split("/").includes("..")) {
    return "is outside the build context";
  }
  if (/[*?[]/.test(path)) {
    return null;
  }
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
