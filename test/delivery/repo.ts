import { readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { discoverServices, type ServiceEntry } from "../../scripts/services/discover.ts";
import { imageTargets } from "../../scripts/services/images.ts";

/** The repository root: every path the delivery checks name is relative to it. */
export const ROOT = join(import.meta.dir, "../..");

/** A file under the root, as text. */
export function readText(path: string): Promise<string> {
  return Bun.file(join(ROOT, path)).text();
}

/**
 * The services, as their own package.json declare them (scripts/services/discover.ts): the
 * checks cover a new service without naming it.
 */
export const SERVICES: ServiceEntry[] = await discoverServices(ROOT);

/**
 * The deployable images, the gateway's and each service's: each Dockerfile builds with its own
 * folder as the context, as it would in a repository of its own (`docker build services/x`).
 */
export const DOCKERFILES: string[] = imageTargets(SERVICES).map((image) => image.dockerfile);

/** The build context of an image's Dockerfile: the folder it is in. */
export function contextOf(dockerfile: string): string {
  return dirname(dockerfile);
}

/** The Compose files: the stack from source (root) and the pinned deployment (deploy/). */
export const COMPOSE_FILES = ["compose.yaml", "deploy/compose.yaml"];

/** Every workflow of this repository and of deploy/, which is written as its own repository. */
export function workflowFiles(): string[] {
  return [".github/workflows", "deploy/.github/workflows"].flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => relative(ROOT, join(ROOT, dir, name))),
  );
}

/**
 * The folders written to be copied into repositories of their own: the gateway, the template and
 * every service. Each carries its own tsconfig and lint config (self-contained.test.ts).
 */
export function serviceFolders(): string[] {
  return ["gateway", ...SERVICES.map((service) => service.dir)];
}

// Installs, builds and local data: not part of a folder as it is copied.
const UNCOPIED_DIRS = new Set([".git", "node_modules", "dist", ".data", "reports", "coverage"]);

/** Every file under `folder` (relative to the root) as it is copied, as sorted root paths. */
export function folderFiles(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory() && !UNCOPIED_DIRS.has(entry.name)) {
        walk(path);
      } else if (entry.isFile()) {
        found.push(path);
      }
    }
  };
  walk(folder);
  return found.sort();
}
