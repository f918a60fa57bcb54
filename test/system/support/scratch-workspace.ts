import { cp, mkdir, readdir, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { repoRoot } from "./paths.ts";

/** A copy of this workspace a test may edit; `remove` deletes it. */
export interface ScratchWorkspace {
  root: string;
  remove(): Promise<void>;
}

/**
 * Copies the workspace's files (tracked, and new ones not ignored) and generated contracts into
 * a temporary folder, and links the installed packages in place of `bun install`: every
 * node_modules is copied as the links it is (each is a folder of relative symlinks, so the
 * workspace packages resolve to the copy's own folders), except the package store
 * node_modules/.bun (650 MB), which is one symlink to this workspace's. About 1 s.
 */
export async function scratchWorkspace(): Promise<ScratchWorkspace> {
  const root = join(tmpdir(), `trellis-scratch-${process.pid}-${Date.now()}`);
  const listed = Bun.spawnSync(
    ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    { cwd: repoRoot },
  );
  if (!listed.success) {
    throw new Error(`git ls-files failed: ${listed.stderr.toString()}`);
  }
  const files = listed.stdout
    .toString()
    .split("\0")
    .filter((file) => file !== "");
  for (const file of files) {
    const target = join(root, file);
    await mkdir(dirname(target), { recursive: true });
    // A tracked file deleted in the work tree is not part of the copy.
    await cp(join(repoRoot, file), target).catch(() => undefined);
  }
  await cp(join(repoRoot, "contracts/gen"), join(root, "contracts/gen"), { recursive: true });
  await linkNodeModules(root);
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

async function linkNodeModules(root: string): Promise<void> {
  const store = join(repoRoot, "node_modules/.bun");
  await mkdir(join(root, "node_modules"), { recursive: true });
  await symlink(store, join(root, "node_modules/.bun"));
  for (const entry of await readdir(join(repoRoot, "node_modules"))) {
    if (entry !== ".bun") {
      await copyLinks(join(repoRoot, "node_modules", entry), join(root, "node_modules", entry));
    }
  }
  // Each workspace package's own node_modules (the root package.json lists where they are).
  const manifest = (await Bun.file(join(repoRoot, "package.json")).json()) as {
    workspaces: string[];
  };
  for (const pattern of manifest.workspaces) {
    const glob = new Bun.Glob(`${pattern}/node_modules`);
    for await (const folder of glob.scan({ cwd: repoRoot, onlyFiles: false, dot: true })) {
      await copyLinks(join(repoRoot, folder), join(root, folder));
    }
  }
}

/** Copies a folder of symlinks as symlinks (relative ones keep pointing into the copy). */
function copyLinks(from: string, to: string): Promise<void> {
  return cp(from, to, { recursive: true, verbatimSymlinks: true });
}
