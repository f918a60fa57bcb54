import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { type Bump, largerBump } from "./semver-bump.ts";

/**
 * The largest bump the pending changesets in `dir` (`.changeset/*.md`, each opening with a
 * front matter of `"<package>": patch|minor|major` lines) give `packageName`; `null` when none
 * names it. @changesets/read would do the same but is not a dependency we can import under the
 * isolated linker, and the format is this small. Throws on a changeset it cannot read.
 */
export async function pendingBump(dir: string, packageName: string): Promise<Bump | null> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let bump: Bump | null = null;
  for (const name of names) {
    if (!name.endsWith(".md") || name === "README.md") {
      continue;
    }
    const text = await readFile(join(dir, name), "utf8");
    const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1];
    if (frontMatter === undefined) {
      throw new Error(`${name}: no front matter between --- lines`);
    }
    const releases = (parse(frontMatter) ?? {}) as Record<string, unknown>;
    const release = releases[packageName];
    if (release === undefined) {
      continue;
    }
    if (release !== "patch" && release !== "minor" && release !== "major") {
      throw new Error(`${name}: "${packageName}" has release type ${String(release)}`);
    }
    bump = largerBump(bump, release);
  }
  return bump;
}
