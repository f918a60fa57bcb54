import { readdir } from "node:fs/promises";
import { join } from "node:path";

// Dependencies, builds, reports and generated code: nothing in them is ours to check.
const SKIPPED_DIRS = new Set(["node_modules", "dist", "gen", "reports", "coverage"]);
const SOURCE_FILE = /\.(ts|mts|cts|js|mjs|cjs|svelte)$/;

/**
 * Every source file under `root`, as sorted "/"-separated paths relative to it. Hidden folders
 * (.git, node_modules/.bun) and the folders above are not entered; symbolic links are not
 * followed, so a workspace's link to another is not read twice.
 */
export async function sourceFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = `${prefix}${entry.name}`;
      if (entry.isDirectory() && !entry.name.startsWith(".") && !SKIPPED_DIRS.has(entry.name)) {
        await walk(join(dir, entry.name), `${path}/`);
      } else if (entry.isFile() && SOURCE_FILE.test(entry.name)) {
        found.push(path);
      }
    }
  };
  await walk(root, "");
  return found.sort();
}
