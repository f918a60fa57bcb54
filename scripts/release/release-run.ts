import type { WorkspacePackage } from "./workspace-packages.ts";

/** What `releasePackages` does to the outside world, passed in so a test can fake it. */
export interface Publisher {
  /** The name the package is published under (NPM_SCOPE applied). */
  publishedName(pkg: WorkspacePackage): string;
  /** Whether `name@version` is on the registry already (throws when it cannot tell). */
  isPublished(spec: string, pkg: WorkspacePackage): Promise<boolean>;
  /** Builds, packs and publishes the package (throws on failure). */
  publish(pkg: WorkspacePackage): Promise<void>;
  /** Tags the release `<name>@<version>` locally (throws on failure). */
  tag(tag: string): Promise<void>;
  /** Records a tag for changesets/action, which pushes it (CHANGESETS_OUTPUT). */
  announce(tag: string, packageName: string): Promise<void>;
  log(line: string): void;
}

export interface ReleaseResult {
  /** `name@version` of each package published by this run, in order. */
  published: string[];
  /** The package that failed, and why. */
  failed?: { spec: string; error: string };
  /** The packages not attempted after the failure. */
  notPublished: string[];
  /** The tags made by this run (one per published package, when tagging). */
  tags: string[];
}

/**
 * Publishes `packages` in order (dependencies first: publishOrder), skipping private ones and
 * versions already on the registry, and tags each right after it is published, so a release
 * that fails halfway keeps the tags of what did publish (the next run skips those versions and
 * would otherwise never tag them). On the first failure it stops: the packages after it may
 * depend on it. The caller reports and exits 1 when `failed` is set.
 */
export async function releasePackages(
  packages: readonly WorkspacePackage[],
  publisher: Publisher,
  options: { gitTag: boolean },
): Promise<ReleaseResult> {
  const result: ReleaseResult = { published: [], notPublished: [], tags: [] };
  for (const [index, pkg] of packages.entries()) {
    const name = publisher.publishedName(pkg);
    const spec = `${name}@${pkg.manifest.version}`;
    if (pkg.manifest.private === true) {
      publisher.log(`${name}: private, not published`);
      continue;
    }
    try {
      if (await publisher.isPublished(spec, pkg)) {
        publisher.log(`${spec}: already on the registry`);
        continue;
      }
      await publisher.publish(pkg);
    } catch (error) {
      result.failed = { spec, error: error instanceof Error ? error.message : String(error) };
      result.notPublished = packages
        .slice(index + 1)
        .filter((next) => next.manifest.private !== true)
        .map((next) => `${publisher.publishedName(next)}@${next.manifest.version}`);
      return result;
    }
    result.published.push(spec);
    publisher.log(`published ${spec}`);
    if (options.gitTag) {
      try {
        await publisher.tag(spec);
        await publisher.announce(spec, pkg.manifest.name);
      } catch (error) {
        // Published but not tagged: report it as the failure; what is on the registry stays.
        result.failed = {
          spec,
          error: `published, but not tagged: ${error instanceof Error ? error.message : error}`,
        };
        result.notPublished = packages
          .slice(index + 1)
          .filter((next) => next.manifest.private !== true)
          .map((next) => `${publisher.publishedName(next)}@${next.manifest.version}`);
        return result;
      }
      result.tags.push(spec);
      publisher.log(`New tag: ${spec}`);
    }
  }
  return result;
}

/** The lines `bun run release` ends a failed run with. */
export function failureReport(result: ReleaseResult): string[] {
  if (result.failed === undefined) {
    return [];
  }
  const list = (specs: string[]) => (specs.length > 0 ? specs.join(", ") : "none");
  return [
    `release FAILED at ${result.failed.spec}: ${result.failed.error}`,
    `published (tags kept): ${list(result.published)}`,
    `not published: ${list([result.failed.spec, ...result.notPublished].filter((spec) => !result.published.includes(spec)))}`,
  ];
}

/** One line of changesets/action's CHANGESETS_OUTPUT file (ndjson): it pushes each such tag. */
export function changesetsOutputLine(tag: string, packageName: string): string {
  return `${JSON.stringify({ type: "git-tag", tag, packageName })}\n`;
}
