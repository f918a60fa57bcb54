import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";

const patchFile = resolve(import.meta.dir, "../../patches/postgres@3.4.9.patch");

/**
 * The lines of the workspace's postgres.js patch (the pool queue fix, the write-after-close fix)
 * that the `src/` files of the postgres.js package at `postgresDir` lack: none when that copy is
 * the patched one. Throws when the patch no longer adds lines to src/queue.js and
 * src/connection.js, so a rewritten patch is noticed.
 */
export async function missingPostgresFix(postgresDir: string): Promise<string[]> {
  const patch = await readFile(patchFile, "utf8");
  const missing: string[] = [];
  for (const file of ["queue.js", "connection.js"]) {
    const added = patch
      .split("diff --git")
      .filter((section) => section.startsWith(` a/src/${file}`))
      .flatMap((section) => section.split("\n").filter((line) => /^\+[^+]/.test(line)))
      .map((line) => line.slice(1));
    if (added.length === 0) {
      throw new Error(`${patchFile} adds no line to src/${file}`);
    }
    const text = await readFile(join(postgresDir, "src", file), "utf8");
    missing.push(...added.filter((line) => !text.includes(line)));
  }
  return missing;
}
