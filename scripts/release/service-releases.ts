import { access } from "node:fs/promises";
import { join } from "node:path";
import { runOrThrow } from "./run-command.ts";
import { type WorkspacePackage, workspacePackages } from "./workspace-packages.ts";

/** A service's release: its tag `<service>@<version>`, which images.yml builds. */
export interface ServiceRelease {
  /** The image's name: the package name without its scope (`@trellis/notes` is `notes`). */
  service: string;
  version: string;
  tag: string;
}

/** The services of the workspace: private packages with a Dockerfile of their own. */
export async function servicePackages(root: string): Promise<WorkspacePackage[]> {
  const found: WorkspacePackage[] = [];
  for (const pkg of await workspacePackages(root)) {
    const dockerfile = join(pkg.dir, "Dockerfile");
    const hasImage = await access(dockerfile).then(
      () => true,
      () => false,
    );
    if (pkg.manifest.private === true && hasImage) {
      found.push(pkg);
    }
  }
  return found;
}

/** The releases that `services`' versions call for and `tags` (the repository's) lack yet. */
export function pendingServiceReleases(
  services: readonly WorkspacePackage[],
  tags: ReadonlySet<string>,
): ServiceRelease[] {
  return services
    .map(({ manifest }) => {
      const service = manifest.name.replace(/^@[^/]+\//, "");
      return { service, version: manifest.version, tag: `${service}@${manifest.version}` };
    })
    .filter((release) => !tags.has(release.tag))
    .sort((a, b) => a.tag.localeCompare(b.tag));
}

/** Every tag of the repository; a failure of git is an error, never "no tags". */
export async function repositoryTags(root: string): Promise<Set<string>> {
  const listed = await runOrThrow(["git", "tag", "--list"], { cwd: root });
  return new Set(listed.split("\n").filter((line) => line !== ""));
}
