import { mkdtemp, readdir, readFile, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The repository these tests run in. */
export const repoRoot = resolve(import.meta.dir, "../..");

/**
 * A copy of the repository's files (tracked and untracked, not ignored: no installs, no builds)
 * in a new temporary folder, so a scaffolder under test never writes into the real one. With
 * `linkModules`, the copy uses this repository's node_modules (for Biome) without an install.
 */
export async function copyRepo(options: { linkModules?: boolean } = {}): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), "new-service-repo-"));
  // tar reads the list git gives: one process for the whole tree, not one copy per file.
  const script =
    'git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - | tar -xf - -C "$0"';
  const copied = Bun.spawnSync(["sh", "-c", script, copy], { cwd: repoRoot, stderr: "pipe" });
  if (copied.exitCode !== 0) {
    throw new Error(`copying the repository failed: ${copied.stderr.toString()}`);
  }
  if (options.linkModules === true) {
    await symlink(join(repoRoot, "node_modules"), join(copy, "node_modules"));
  }
  return copy;
}

/** Every file under `dir` (not node_modules) with its content: equal snapshots, equal trees. */
export async function snapshot(dir: string, files = new Map<string, string>(), at = "") {
  for (const entry of await readdir(join(dir, at), { withFileTypes: true })) {
    const path = at === "" ? entry.name : `${at}/${entry.name}`;
    if (entry.isDirectory() && entry.name !== "node_modules") {
      await snapshot(dir, files, path);
    } else if (entry.isFile()) {
      files.set(path, await readFile(join(dir, path), "utf8"));
    }
  }
  return files;
}
