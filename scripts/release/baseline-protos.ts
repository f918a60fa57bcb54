import { cp, mkdir, stat, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Baseline } from "./breaking-gate.ts";
import { packFromRegistry, publishedVersion } from "./npm-registry.ts";
import { runCommand, runOrThrow } from "./run-command.ts";

type Env = Record<string, string | undefined>;

export interface BaselineSearch {
  packageName: string;
  /** The git repository holding the release tags, and the package's folder in it. */
  repoRoot: string;
  packagePath: string;
  /** The working buf.yaml: the baseline is checked with the same rules. */
  bufYaml: string;
  /** An empty folder to unpack into. */
  workDir: string;
  env?: Env;
}

/**
 * The protos of the last release: from the published package when a registry is configured
 * for the package's scope (`@trellis:registry` in .npmrc, as CI writes it) and has it, else
 * from the highest `<name>@x.y.z` git tag, else `null` (never released). `notes` collects why
 * a source was passed over. The default registry is never asked: a same-named package there
 * could be anyone's.
 */
export async function findBaseline(
  search: BaselineSearch,
  notes: string[],
): Promise<Baseline | null> {
  try {
    const fromRegistry = await registryBaseline(search);
    if (fromRegistry !== null) {
      return fromRegistry;
    }
  } catch (error) {
    notes.push(
      `registry skipped: ${error instanceof Error ? error.message.split("\n")[0] : error}`,
    );
  }
  return tagBaseline(search);
}

async function registryBaseline(search: BaselineSearch): Promise<Baseline | null> {
  const { packageName, workDir, env } = search;
  const scope = packageName.split("/")[0] ?? "";
  const scopeRegistry = await runOrThrow(["npm", "config", "get", `${scope}:registry`], {
    cwd: search.repoRoot,
    env,
  });
  if (scopeRegistry.trim() === "" || scopeRegistry.trim() === "undefined") {
    return null;
  }
  const version = await publishedVersion(`${packageName}@latest`, workDir, env);
  if (version === null) {
    return null;
  }
  const tarball = await packFromRegistry(`${packageName}@${version}`, workDir, env);
  await runOrThrow(["tar", "-xzf", tarball, "-C", workDir], { cwd: workDir });
  const unpacked = join(workDir, "package");
  if (!(await isDir(join(unpacked, "proto")))) {
    throw new Error(`${packageName}@${version} on the registry ships no proto/ folder`);
  }
  return moduleDir(search, join(unpacked, "proto"), { version, source: "the registry" });
}

async function tagBaseline(search: BaselineSearch): Promise<Baseline | null> {
  const { packageName, repoRoot, packagePath, workDir } = search;
  const listed = await runCommand(["git", "tag", "--list", `${packageName}@*`], { cwd: repoRoot });
  const versions = listed.stdout
    .split("\n")
    .map((tag) => tag.trim().slice(packageName.length + 1))
    .filter((version) => /^\d+\.\d+\.\d+$/.test(version))
    .sort(Bun.semver.order);
  const version = versions.at(-1);
  if (version === undefined) {
    return null;
  }
  const tag = `${packageName}@${version}`;
  const archive = join(workDir, "tag.tar");
  await runOrThrow(["git", "archive", "--output", archive, tag, `${packagePath}/proto`], {
    cwd: repoRoot,
  });
  const extracted = join(workDir, "tag");
  await mkdir(extracted, { recursive: true });
  await runOrThrow(["tar", "-xf", archive, "-C", extracted], { cwd: workDir });
  return moduleDir(search, join(extracted, packagePath, "proto"), {
    version,
    source: `git tag ${tag}`,
  });
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
