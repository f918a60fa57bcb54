import { cp, mkdir, stat, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Baseline } from "./breaking-gate.ts";
import {
  createReleaseRecords,
  type RecordsLocation,
  type RegistryAnswer,
  type ReleaseRecords,
} from "./release-records.ts";

export interface BaselineSearch extends RecordsLocation {
  /** The version in the working package.json: a CHANGELOG heading below it proves a release. */
  version: string;
  /** The working buf.yaml: the baseline is checked with the same rules. */
  bufYaml: string;
}

/**
 * The protos of the last release: from the published package when a registry is configured
 * for the package's scope (`@trellis:registry` in .npmrc) and has it, else from the highest
 * `<name>@x.y.z` git tag, else `null` (never released). `notes` collects why a source was
 * passed over.
 *
 * Fails closed: `null` only when the registry answered 404 or none is configured, git listed
 * the tags of a full clone and found none, and CHANGELOG.md names no version below the working
 * one. Anything else that leaves the last release unknown throws, saying what failed and how to
 * fix it.
 */
export async function findBaseline(
  search: BaselineSearch,
  notes: string[],
  records: ReleaseRecords = createReleaseRecords(search),
): Promise<Baseline | null> {
  const release = await lastRelease(search, notes, records);
  if (release === null) {
    return null;
  }
  const protos =
    release.from === "registry"
      ? await records.registryProtos(release.version)
      : await records.tagProtos(release.version);
  const source =
    release.from === "registry"
      ? "the registry"
      : `git tag ${search.packageName}@${release.version}`;
  return moduleDir(search, protos, { version: release.version, source });
}

interface Release {
  version: string;
  from: "registry" | "tag";
}

async function lastRelease(
  search: BaselineSearch,
  notes: string[],
  records: ReleaseRecords,
): Promise<Release | null> {
  const name = search.packageName;
  const registry = await records.registry().catch((error: unknown) => new Error(summary(error)));
  if (!(registry instanceof Error) && registry.kind === "published") {
    return { version: registry.version, from: "registry" };
  }
  let tags: string[];
  try {
    tags = await records.tags();
  } catch (error) {
    throw registry instanceof Error
      ? new Error(`the registry did not answer (${registry.message}) and ${summary(error)}`)
      : error;
  }
  const tagged = [...tags].sort(Bun.semver.order).at(-1);
  if (tagged !== undefined) {
    if (registry instanceof Error) {
      notes.push(
        `the registry did not answer (${registry.message}): using git tag ${name}@${tagged}`,
      );
    } else if (registry.kind === "absent") {
      notes.push(`the registry has no ${name}: using git tag ${name}@${tagged}`);
    }
    return { version: tagged, from: "tag" };
  }
  if (registry instanceof Error) {
    throw new Error(
      `the registry did not answer (${registry.message}) and there is no release tag ` +
        `${name}@x.y.z, so whether it was released is unknown: check the registry and its ` +
        "token (NODE_AUTH_TOKEN), or fetch the release tags (`git fetch --tags`)",
    );
  }
  await assertNoOlderRelease(search, registry, records);
  return null;
}

/**
 * Throws when CHANGELOG.md has a heading for a version below the working one: `changeset
 * version` wrote it and the release workflow published and tagged it, so there was a release
 * that neither the registry nor git has shown.
 */
async function assertNoOlderRelease(
  search: BaselineSearch,
  registry: RegistryAnswer,
  records: ReleaseRecords,
): Promise<void> {
  const { packageName: name, version } = search;
  const older = (await records.changelog()).filter((v) => Bun.semver.order(v, version) < 0);
  const evidence = older.sort(Bun.semver.order).at(-1);
  if (evidence === undefined) {
    return;
  }
  const asked =
    registry.kind === "absent" ? "the registry has no such package" : "no registry is configured";
  throw new Error(
    `${name} was released before: CHANGELOG.md names ${evidence}, below the working ` +
      `${version}, yet ${asked} and there is no tag ${name}@x.y.z: fetch the tags ` +
      "(`git fetch --tags`), configure the registry for the scope in .npmrc, or tag the last " +
      `release (\`git tag ${name}@${evidence} <commit>\`)`,
  );
}

/** An error in one line: its first two (`npm view x failed:` and npm's own first line). */
function summary(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  return lines.slice(0, 2).join(" ").trim() || text;
}

/** A buf module folder for `protoDir` under the working buf.yaml's rules. */
async function moduleDir(
  search: BaselineSearch,
  protoDir: string,
  release: { version: string; source: string },
): Promise<Baseline> {
  const dir = join(search.workDir, "baseline");
  await mkdir(dir, { recursive: true });
  await cp(protoDir, join(dir, "proto"), { recursive: true });
  await cp(search.bufYaml, join(dir, "buf.yaml"));
  // The buf.yaml's other modules (google/api from the google-proto-files package) are paths
  // under node_modules: the baseline sees the same ones.
  const nodeModules = join(dirname(search.bufYaml), "node_modules");
  if (await isDir(nodeModules)) {
    await symlink(nodeModules, join(dir, "node_modules"));
  }
  return { ...release, dir };
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
