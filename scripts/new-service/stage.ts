import { mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { FileWrite } from "./template.ts";

/**
 * A folder inside the repository that holds every file before any is in place: inside, so the
 * final moves are renames on one file system, and the staged service resolves the root's
 * node_modules when it is formatted and checked. Ignored by git (.gitignore) in case a killed
 * run leaves it behind.
 */
export async function createStaging(root: string): Promise<string> {
  return mkdtemp(join(root, ".new-service-"));
}

export async function writeStaged(staging: string, files: FileWrite[]): Promise<void> {
  for (const file of files) {
    await mkdir(dirname(join(staging, file.path)), { recursive: true });
    await writeFile(join(staging, file.path), file.content);
  }
}

/** What an install puts in place: paths that must not exist yet and files it replaces. */
export interface InstallPlan {
  created: string[];
  /** Each replaced file with the content it had, to put back when a later step fails. */
  replaced: { path: string; original: string }[];
}

/**
 * Moves the staged paths into the repository; on a failure, takes back what it moved and throws.
 * Returns the undo, for a step after the install (the service entries) that fails.
 */
export async function install(
  root: string,
  staging: string,
  plan: InstallPlan,
): Promise<() => Promise<void>> {
  const moved: string[] = [];
  const undo = async (): Promise<void> => {
    for (const path of moved) {
      const original = plan.replaced.find((file) => file.path === path)?.original;
      await (original === undefined
        ? rm(join(root, path), { recursive: true, force: true })
        : writeFile(join(root, path), original));
    }
  };
  try {
    for (const path of plan.created) {
      // rename() would replace an empty folder silently: a second run must be refused instead.
      if (await exists(join(root, path))) {
        throw new Error(`${path} appeared while the service was staged; nothing was written`);
      }
      await mkdir(dirname(join(root, path)), { recursive: true });
      await rename(join(staging, path), join(root, path));
      moved.push(path);
    }
    for (const { path } of plan.replaced) {
      await rename(join(staging, path), join(root, path));
      moved.push(path);
    }
  } catch (error) {
    await undo();
    throw error;
  }
  return undo;
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
