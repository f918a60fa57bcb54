import { posix } from "node:path";
import { isTestFile, packageOf, ruleOf } from "./package-rules.ts";

/** An import that breaks the package rules: where, what, and why. */
export interface Violation {
  file: string;
  specifier: string;
  problem: string;
}

/**
 * The imports of `file` (relative to the root) that break the rules: into a package its own may
 * not import (or only from its tests), into another package by relative path, or out of the
 * repository. `packages` maps each workspace package name to its folder; other bare names are
 * dependencies.
 */
export function importViolations(
  file: string,
  specifiers: readonly string[],
  packages: ReadonlyMap<string, string>,
): Violation[] {
  const from = packageOf(file);
  return specifiers.flatMap((specifier) => {
    const problem = problemOf(file, from, specifier, packages);
    return problem === null ? [] : [{ file, specifier, problem }];
  });
}

function problemOf(
  file: string,
  from: string,
  specifier: string,
  packages: ReadonlyMap<string, string>,
): string | null {
  if (specifier.startsWith(".")) {
    const target = posix.normalize(posix.join(posix.dirname(file), specifier));
    if (target === ".." || target.startsWith("../")) {
      return "a relative path out of the repository";
    }
    const to = packageOf(target);
    if (to === from) {
      return null;
    }
    // A package nested in the one it imports (gateway/web in gateway/) leaves the workspace with
    // it, and a split-out repository cannot install its own root package by name.
    if (from.startsWith(`${to}/`) && ruleOf(from).mayImport.includes(ruleOf(to).folder)) {
      return null;
    }
    return `a relative path into ${shown(to)}: import it by its package name`;
  }
  const to = packages.get(packageName(specifier));
  if (to === undefined || to === from) {
    return null;
  }
  const rule = ruleOf(from);
  const target = ruleOf(to).folder;
  if (rule.mayImport.includes(target)) {
    return null;
  }
  if (rule.testsMayImport?.includes(target)) {
    return isTestFile(file) ? null : `only the tests of ${shown(from)} may import ${shown(to)}`;
  }
  return `${shown(from)} may not import ${shown(to)}`;
}

/** `@scope/name` or `name`: a bare specifier without its subpath. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

function shown(packageFolder: string): string {
  return packageFolder === "." ? "the root package" : packageFolder;
}
