import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";

const patchFile = resolve(import.meta.dir, "../../patches/postgres@3.4.9.patch");

/**
 * The lines of the workspace's postgres.js patch (the pool queue fix) that the `src/queue.js` of
 * the postgres.js package at `postgresDir` lacks: none when that copy is the patched one. Throws
 * when the patch no longer adds lines to src/queue.js, so a rewritten patch is noticed.
 */
export async function missingPostgresFix(postgresDir: string): Promise<string[]> {
  const patch = await readFile(patchFile, "utf8");
  const added = patch
    .split("diff --git")
    .filter((file) => file.startsWith(" a/src/queue.js"))
    .flatMap((file) => file.split("\n").filter((line) => /^\+[^+]/.test(line)))
    .map((line) => line.slice(1));
  if (added.length === 0) {
    throw new Error(`${patchFile} adds no line to src/queue.js`);
  }
  const queue = await readFile(join(postgresDir, "src", "queue.js"), "utf8");
  return added.filter((line) => !queue.includes(line));
}
