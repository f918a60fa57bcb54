// How contracts:check finds the last release, and that it fails closed: an error in any source
// (git, a shallow clone, the registry) is an error of the gate, never "never released".
import { afterAll, describe, expect, test } from "bun:test";
import { chown, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BaselineSearch, findBaseline } from "./baseline-protos.ts";
import { checkBreaking } from "./breaking-gate.ts";
import type { RegistryAnswer, ReleaseRecords } from "./release-records.ts";
import { runOrThrow } from "./run-command.ts";

const buf = resolve(import.meta.dir, "../../contracts/node_modules/.bin/buf");
const name = "@trellis/contracts";
const bufYaml = "version: v2\nmodules:\n  - path: proto\nbreaking:\n  use:\n    - FILE\n";
const proto = 'syntax = "proto3";\n\npackage fixture.v1;\n\n// A note.\nmessage Note {}\n';
const temp = await mkdtemp(join(tmpdir(), "baseline-protos-"));
afterAll(() => rm(temp, { recursive: true, force: true }));

/** A search in a fresh folder (no git repository), with no registry configured for npm. */
async function search(version = "0.3.0"): Promise<BaselineSearch> {
  const dir = await mkdtemp(join(temp, "search-"));
  await writeFile(join(dir, "buf.yaml"), bufYaml);
  await mkdir(join(dir, "work"));
  return {
    packageName: name,
    version,
    repoRoot: dir,
    packagePath: "contracts",
    bufYaml: join(dir, "buf.yaml"),
    workDir: join(dir, "work"),
    env: { ...process.env, NPM_CONFIG_USERCONFIG: "/dev/null" },
  };
}

/** A proto/ folder, as a source hands back the released protos. */
async function protoDir(): Promise<string> {
  const dir = await mkdtemp(join(temp, "proto-"));
  await mkdir(join(dir, "fixture/v1"), { recursive: true });
  await writeFile(join(dir, "fixture/v1/note.proto"), proto);
  return dir;
}

type Answer<T> = T | Error;

/** Release records answering from the row: an Error is thrown, as the real source would. */
function fakeRecords(row: {
  registry: Answer<RegistryAnswer>;
  tags: Answer<string[]>;
  changelog?: string[];
}): ReleaseRecords {
  const answer = async <T>(value: Answer<T>): Promise<T> => {
    if (value instanceof Error) {
      throw value;
    }
    return value;
  };
  return {
    registry: () => answer(row.registry),
    registryProtos: () => protoDir(),
    tags: () => answer(row.tags),
    tagProtos: () => protoDir(),
    changelog: () => answer(row.changelog ?? []),
  } satisfies ReleaseRecords;
}

const gitRefused = new Error(
  "git tag --list failed: fatal: detected dubious ownership in repository at '/__w/t/t'; run `git config --global --add safe.directory /__w/t/t`",
);
const shallow = new Error("the clone is shallow: fetch tags (actions/checkout fetch-depth: 0)");
const unreachable = new Error("npm view @trellis/contracts@latest failed: ECONNREFUSED");
const published = (version: string): RegistryAnswer => ({ kind: "published", version });
const absent: RegistryAnswer = { kind: "absent" };
const unconfigured: RegistryAnswer = { kind: "unconfigured" };

const cases: {
  name: string;
  registry: Answer<RegistryAnswer>;
  tags: Answer<string[]>;
  changelog?: string[];
  want: { version: string; source: string } | null | { error: RegExp };
}[] = [
  {
    name: "fails when git fails and no registry is configured",
    registry: unconfigured,
    tags: gitRefused,
    want: { error: /git tag --list failed: .*dubious ownership.*safe\.directory/ },
  },
  {
    name: "fails when git fails and the registry has no such package",
    registry: absent,
    tags: gitRefused,
    want: { error: /git tag --list failed/ },
  },
  {
    name: "fails on a shallow clone when the registry has no such package",
    registry: absent,
    tags: shallow,
    want: { error: /the clone is shallow.*fetch-depth: 0/ },
  },
  {
    name: "fails when the registry does not answer and there is no tag",
    registry: unreachable,
    tags: [],
    want: { error: /the registry did not answer .*ECONNREFUSED.* no release tag/ },
  },
  {
    name: "fails when neither the registry nor git answers",
    registry: unreachable,
    tags: gitRefused,
    want: { error: /the registry did not answer .* git tag --list failed/ },
  },
  {
    name: "fails when the CHANGELOG names an older release that no source has",
    registry: absent,
    tags: [],
    changelog: ["0.3.0", "0.2.0"],
    want: { error: /released before: CHANGELOG\.md names 0\.2\.0/ },
  },
  {
    name: "fails when the CHANGELOG names an older release and no registry is configured",
    registry: unconfigured,
    tags: [],
    changelog: ["0.3.0", "0.2.0"],
    want: { error: /released before: CHANGELOG\.md names 0\.2\.0/ },
  },
  {
    name: "never released: the registry answers 404, no tag, the CHANGELOG only names this version",
    registry: absent,
    tags: [],
    changelog: ["0.3.0"],
    want: null,
  },
  {
    name: "never released: no registry configured, no tag, no CHANGELOG",
    registry: unconfigured,
    tags: [],
    want: null,
  },
  {
    // git is never asked: its failure here would fail the row.
    name: "takes the registry's version, without asking git",
    registry: published("0.2.1"),
    tags: gitRefused,
    want: { version: "0.2.1", source: "the registry" },
  },
  {
    name: "falls back to the highest tag when the registry does not answer",
    registry: unreachable,
    tags: ["0.2.0", "0.10.0", "0.9.0"],
    changelog: ["0.3.0", "0.10.0"],
    want: { version: "0.10.0", source: `git tag ${name}@0.10.0` },
  },
  {
    name: "takes the highest tag when the registry has no such package",
    registry: absent,
    tags: ["0.2.0"],
    want: { version: "0.2.0", source: `git tag ${name}@0.2.0` },
  },
  {
    name: "takes the highest tag when no registry is configured",
    registry: unconfigured,
    tags: ["0.2.0"],
    changelog: ["0.3.0", "0.2.0"],
    want: { version: "0.2.0", source: `git tag ${name}@0.2.0` },
  },
];

describe("the baseline", () => {
  test.each(cases)("$name", async (row) => {
    const records = fakeRecords(row);
    const got = await findBaseline(await search(), [], records).then(
      (baseline) =>
        baseline === null ? null : { version: baseline.version, source: baseline.source },
      (error: Error) => ({ error: error.message }),
    );
    if (row.want !== null && "error" in row.want) {
      expect(got).toEqual({ error: expect.stringMatching(row.want.error) });
    } else {
      expect(got).toEqual(row.want);
    }
  });

  test("says why it passed over the registry", async () => {
    const notes: string[] = [];
    await findBaseline(
      await search(),
      notes,
      fakeRecords({ registry: unreachable, tags: ["0.2.0"] }),
    );
    expect(notes).toEqual([
      "the registry did not answer (npm view @trellis/contracts@latest failed: ECONNREFUSED): using git tag @trellis/contracts@0.2.0",
    ]);
  });

  test("is a buf module of the released protos under the working buf.yaml", async () => {
    const baseline = await findBaseline(
      await search(),
      [],
      fakeRecords({ registry: published("0.2.1"), tags: [] }),
    );
    expect(await Bun.file(join(baseline?.dir ?? "", "proto/fixture/v1/note.proto")).text()).toBe(
      proto,
    );
    expect(await Bun.file(join(baseline?.dir ?? "", "buf.yaml")).text()).toBe(bufYaml);
  });
});

/** A git repository with one commit of a contracts package, not tagged. */
async function repository(): Promise<string> {
  const repo = await mkdtemp(join(temp, "repo-"));
  const git = (...args: string[]) =>
    runOrThrow(["git", "-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: repo });
  await mkdir(join(repo, "contracts/proto/fixture/v1"), { recursive: true });
  await writeFile(join(repo, "contracts/proto/fixture/v1/note.proto"), proto);
  await git("init", "-q");
  await git("add", ".");
  await git("commit", "-q", "-m", "first");
  await git("commit", "-q", "--allow-empty", "-m", "second");
  return repo;
}

/** The gate's verdict on the working protos, or the error that stopped it. */
async function gate(at: BaselineSearch): Promise<string> {
  const dir = await mkdtemp(join(temp, "module-"));
  await mkdir(join(dir, "proto/fixture/v1"), { recursive: true });
  await writeFile(join(dir, "proto/fixture/v1/note.proto"), proto);
  await writeFile(join(dir, "buf.yaml"), bufYaml);
  try {
    const baseline = await findBaseline(at, []);
    const verdict = await checkBreaking({
      contractsDir: dir,
      packageName: name,
      version: at.version,
      baseline,
      pending: null,
      buf,
    });
    return `${verdict.ok ? "ok" : "FAILED"}: ${verdict.message}`;
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  }
}

describe("the gate on a real checkout", () => {
  test("fails when git cannot read the repository", async () => {
    const got = await gate(await search());
    expect(got).toMatch(/^error: git tag --list failed .*not a git repository/);
  });

  // As in CI's container job: the checkout belongs to another user than the root running git.
  test.skipIf(process.getuid?.() !== 0)(
    "fails on git's dubious ownership, saying the fix",
    async () => {
      const repo = await repository();
      await chown(repo, 65534, 65534);
      const got = await gate({ ...(await search()), repoRoot: repo });
      expect(got).toContain("dubious ownership");
      expect(got).toMatch(
        /^error: git tag --list failed \(in .*\): .*git config --global --add safe\.directory/,
      );
    },
  );

  test("fails on a shallow clone", async () => {
    const repo = await repository();
    const clone = join(await mkdtemp(join(temp, "clone-")), "clone");
    await runOrThrow(["git", "clone", "-q", "--depth", "1", `file://${repo}`, clone], {
      cwd: temp,
    });
    const got = await gate({ ...(await search()), repoRoot: clone });
    expect(got).toMatch(/^error: the clone is shallow.*fetch-depth: 0/);
  });

  test("passes a package that was never released: a full clone with no tag", async () => {
    const repo = await repository();
    const got = await gate({ ...(await search("0.1.0")), repoRoot: repo });
    expect(got).toBe(`ok: ${name} has never been released: nothing to compare against`);
  });
});
