import { mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { packFromRegistry, publishedVersion } from "./npm-registry.ts";
import { runCommand, runOrThrow } from "./run-command.ts";

type Env = Record<string, string | undefined>;

/** What the registry says about a package's latest version. */
export type RegistryAnswer =
  /** No registry is configured for the package's scope, so none was asked. */
  | { kind: "unconfigured" }
  /** The registry answered 404: it has no such package. */
  | { kind: "absent" }
  | { kind: "published"; version: string };

/**
 * Where a package's releases are recorded: the registry, the release tags (`<name>@x.y.z`, as
 * `bun run release` writes them) and the CHANGELOG. Each method throws when its source cannot
 * answer; none turns a failure into an empty answer.
 */
export interface ReleaseRecords {
  registry(): Promise<RegistryAnswer>;
  /** The published package's proto/ folder, unpacked. */
  registryProtos(version: string): Promise<string>;
  /** The versions of the release tags. Throws when git fails or the clone is shallow. */
  tags(): Promise<string[]>;
  /** The package's proto/ folder at the tag of `version`. */
  tagProtos(version: string): Promise<string>;
  /** The versions CHANGELOG.md has a `## x.y.z` heading for; none when there is no CHANGELOG. */
  changelog(): Promise<string[]>;
}

export interface RecordsLocation {
  packageName: string;
  /** The git repository holding the release tags, and the package's folder in it. */
  repoRoot: string;
  packagePath: string;
  /** An empty folder to unpack into. */
  workDir: string;
  env?: Env;
}

/** The records of a real checkout: npm's configured registry, git, the package's CHANGELOG.md. */
export function createReleaseRecords(at: RecordsLocation): ReleaseRecords {
  const { packageName, repoRoot, packagePath, workDir, env } = at;
  return {
    registry: () => registryAnswer(at),
    async registryProtos(version) {
      const into = join(workDir, "registry");
      await mkdir(into, { recursive: true });
      const tarball = await packFromRegistry(`${packageName}@${version}`, into, env);
      await runOrThrow(["tar", "-xzf", tarball, "-C", into], { cwd: into });
      const protos = join(into, "package", "proto");
      if (!(await isDir(protos))) {
        throw new Error(`${packageName}@${version} on the registry ships no proto/ folder`);
      }
      return protos;
    },
    tags: () => releaseTags(at),
    async tagProtos(version) {
      const tag = `${packageName}@${version}`;
      const archive = join(workDir, "tag.tar");
      await runOrThrow(["git", "archive", "--output", archive, tag, `${packagePath}/proto`], {
        cwd: repoRoot,
      });
      const extracted = join(workDir, "tag");
      await mkdir(extracted, { recursive: true });
      await runOrThrow(["tar", "-xf", archive, "-C", extracted], { cwd: workDir });
      return join(extracted, packagePath, "proto");
    },
    async changelog() {
      const text = await readFile(join(repoRoot, packagePath, "CHANGELOG.md"), "utf8").catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code === "ENOENT") {
            return "";
          }
          throw error;
        },
      );
      return [...text.matchAll(/^##\s+v?(\d+\.\d+\.\d+)\s*$/gm)].map((match) => match[1] ?? "");
    },
  };
}

// The default registry is never asked: a same-named package there could be anyone's.
async function registryAnswer(at: RecordsLocation): Promise<RegistryAnswer> {
  const scope = at.packageName.split("/")[0] ?? "";
  const configured = (
    await runOrThrow(["npm", "config", "get", `${scope}:registry`], {
      cwd: at.repoRoot,
      env: at.env,
    })
  ).trim();
  if (configured === "" || configured === "undefined") {
    return { kind: "unconfigured" };
  }
  const version = await publishedVersion(`${at.packageName}@latest`, at.workDir, at.env);
  return version === null ? { kind: "absent" } : { kind: "published", version };
}

async function releaseTags(at: RecordsLocation): Promise<string[]> {
  const { packageName, repoRoot } = at;
  const listed = await runCommand(["git", "tag", "--list", `${packageName}@*`], { cwd: repoRoot });
  if (listed.code !== 0) {
    throw new Error(`git tag --list failed ${gitFailure(listed.stderr, repoRoot)}`);
  }
  const shallow = await runCommand(["git", "rev-parse", "--is-shallow-repository"], {
    cwd: repoRoot,
  });
  if (shallow.code !== 0) {
    throw new Error(`git rev-parse failed ${gitFailure(shallow.stderr, repoRoot)}`);
  }
  if (shallow.stdout.trim() !== "false") {
    // A shallow clone holds only the tags of the commits it fetched, often none.
    throw new Error(
      "the clone is shallow, so release tags may be missing from it: fetch the history and " +
        "the tags (`git fetch --unshallow --tags`; in GitHub Actions, actions/checkout with " +
        "`fetch-depth: 0`)",
    );
  }
  return listed.stdout
    .split("\n")
    .map((tag) => tag.trim().slice(packageName.length + 1))
    .filter((version) => /^\d+\.\d+\.\d+$/.test(version));
}

/** Git's first line, and the fix when git names one we know. */
function gitFailure(stderr: string, repoRoot: string): string {
  const line = stderr.split("\n").find((l) => l.trim() !== "") ?? "(no output)";
  if (stderr.includes("dubious ownership")) {
    // Git refuses a repository owned by another user, as a container job running as root sees
    // the runner's checkout.
    return (
      `(in ${repoRoot}): ${line}; the checkout belongs to another user: run ` +
      `\`git config --global --add safe.directory ${repoRoot}\` (in GitHub Actions: ` +
      '"$GITHUB_WORKSPACE")'
    );
  }
  if (stderr.includes("not a git repository")) {
    return `(in ${repoRoot}): ${line}; the release tags are read from git: run it in a clone`;
  }
  return `(in ${repoRoot}): ${line}`;
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
