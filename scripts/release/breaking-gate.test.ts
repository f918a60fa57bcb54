import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { findBaseline } from "./baseline-protos.ts";
import { checkBreaking, type GateVerdict } from "./breaking-gate.ts";
import { pendingBump } from "./pending-changesets.ts";
import { runOrThrow } from "./run-command.ts";
import type { Bump } from "./semver-bump.ts";

const buf = resolve(import.meta.dir, "../../contracts/node_modules/.bin/buf");
const name = "@trellis/contracts";
const bufYaml = "version: v2\nmodules:\n  - path: proto\nbreaking:\n  use:\n    - FILE\n";
const temp = await mkdtemp(join(tmpdir(), "breaking-gate-"));
afterAll(() => rm(temp, { recursive: true, force: true }));

function noteProto(fields: string): string {
  return `syntax = "proto3";\n\npackage fixture.v1;\n\n// A note.\nmessage Note {\n${fields}}\n`;
}
const released = noteProto("  string id = 1;\n  string title = 2;\n  string body = 3;\n");
const changes = {
  "removing a field": noteProto("  string id = 1;\n  string title = 2;\n"),
  "renumbering a field": noteProto("  string id = 1;\n  string title = 2;\n  string body = 4;\n"),
  "adding a field": noteProto(
    "  string id = 1;\n  string title = 2;\n  string body = 3;\n  bool pinned = 4;\n",
  ),
  "no change": released,
};

/** A buf module folder holding `proto` as the fixture's only file. */
async function moduleWith(proto: string): Promise<string> {
  const dir = await mkdtemp(join(temp, "module-"));
  await mkdir(join(dir, "proto/fixture/v1"), { recursive: true });
  await writeFile(join(dir, "proto/fixture/v1/note.proto"), proto);
  await writeFile(join(dir, "buf.yaml"), bufYaml);
  return dir;
}

/** A .changeset folder with one changeset per bump, plus one for another package. */
async function changesets(bumps: Bump[]): Promise<string> {
  const dir = await mkdtemp(join(temp, "changeset-"));
  await writeFile(join(dir, "README.md"), "# Changesets\n");
  await writeFile(join(dir, "kit.md"), '---\n"@trellis/service-kit": major\n---\n\nKit change.\n');
  for (const [i, bump] of bumps.entries()) {
    await writeFile(join(dir, `change-${i}.md`), `---\n"${name}": ${bump}\n---\n\nA change.\n`);
  }
  return dir;
}

const cases: {
  name: string;
  change: keyof typeof changes;
  released: string;
  version?: string;
  bumps: Bump[];
  ok: boolean;
}[] = [
  {
    name: "removing a field with a minor changeset fails",
    change: "removing a field",
    released: "1.2.0",
    bumps: ["minor"],
    ok: false,
  },
  {
    name: "renumbering a field with a minor changeset fails",
    change: "renumbering a field",
    released: "1.2.0",
    bumps: ["minor"],
    ok: false,
  },
  {
    name: "removing a field with a major changeset passes",
    change: "removing a field",
    released: "1.2.0",
    bumps: ["major"],
    ok: true,
  },
  {
    name: "renumbering a field with a major changeset passes",
    change: "renumbering a field",
    released: "1.2.0",
    bumps: ["patch", "major"],
    ok: true,
  },
  {
    name: "adding a field with a patch changeset passes",
    change: "adding a field",
    released: "1.2.0",
    bumps: ["patch"],
    ok: true,
  },
  {
    name: "adding a field with a minor changeset passes",
    change: "adding a field",
    released: "1.2.0",
    bumps: ["minor"],
    ok: true,
  },
  {
    name: "a breaking change with no changeset fails",
    change: "removing a field",
    released: "1.2.0",
    bumps: [],
    ok: false,
  },
  {
    name: "on 0.x a breaking change with a minor changeset passes",
    change: "removing a field",
    released: "0.3.1",
    bumps: ["minor"],
    ok: true,
  },
  {
    name: "on 0.x a breaking change with a patch changeset fails",
    change: "renumbering a field",
    released: "0.3.1",
    bumps: ["patch"],
    ok: false,
  },
  {
    name: "a major already versioned into package.json passes",
    change: "removing a field",
    released: "1.2.0",
    version: "2.0.0",
    bumps: [],
    ok: true,
  },
  {
    name: "no change with no changeset passes",
    change: "no change",
    released: "1.2.0",
    bumps: [],
    ok: true,
  },
];

async function verdictFor(row: (typeof cases)[number]): Promise<GateVerdict> {
  return checkBreaking({
    contractsDir: await moduleWith(changes[row.change]),
    packageName: name,
    version: row.version ?? row.released,
    baseline: { version: row.released, source: "the registry", dir: await moduleWith(released) },
    pending: await pendingBump(await changesets(row.bumps), name),
    buf,
  });
}

describe("the breaking-change gate", () => {
  // Each verdict runs buf once (about a second); they run side by side, then each row checks its own.
  const verdicts = new Map<string, GateVerdict>();
  beforeAll(async () => {
    const results = await Promise.all(cases.map(verdictFor));
    for (const [i, verdict] of results.entries()) {
      verdicts.set(cases[i]?.name ?? "", verdict);
    }
  }, 60_000);

  test.each(cases)("$name", ({ name: caseName, ok }) => {
    const verdict = verdicts.get(caseName);
    expect(verdict?.ok).toBe(ok);
    expect(verdict?.message).not.toContain("\n");
  });

  test("says in one line what broke and what bump it needs", async () => {
    const verdict = await checkBreaking({
      contractsDir: await moduleWith(changes["removing a field"]),
      packageName: name,
      version: "1.2.0",
      baseline: { version: "1.2.0", source: "the registry", dir: await moduleWith(released) },
      pending: "minor",
      buf,
    });
    expect(verdict.message).toMatch(
      /^breaking change against @trellis\/contracts@1\.2\.0 \(the registry\): proto\/fixture\/v1\/note\.proto:\d+ .*"body".* \[FIELD_NO_DELETE\]; release it as major/,
    );
  });

  test("passes with a note when the contracts were never released", async () => {
    const verdict = await checkBreaking({
      contractsDir: await moduleWith(changes["removing a field"]),
      packageName: name,
      version: "0.1.0",
      baseline: null,
      pending: null,
      buf,
    });
    expect(verdict).toEqual({
      ok: true,
      message: `${name} has never been released: nothing to compare against`,
    });
  });
});

describe("the baseline from git tags", () => {
  test("is the proto folder at the highest release tag", async () => {
    const repo = await mkdtemp(join(temp, "repo-"));
    const git = (...args: string[]) =>
      runOrThrow(["git", "-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: repo });
    await git("init", "-q");
    const protoPath = join(repo, "contracts/proto/fixture/v1/note.proto");
    await mkdir(join(protoPath, ".."), { recursive: true });
    for (const [version, proto] of [
      ["0.9.0", changes["adding a field"]],
      ["0.10.0", released],
      ["0.11.0-next.0", changes["no change"]],
    ] as const) {
      await writeFile(protoPath, proto);
      await git("add", ".");
      await git("commit", "-q", "--allow-empty", "-m", version);
      await git("tag", `${name}@${version}`);
    }
    await writeFile(protoPath, changes["removing a field"]);
    const bufYamlPath = join(repo, "buf.yaml");
    await writeFile(bufYamlPath, bufYaml);
    const notes: string[] = [];
    const baseline = await findBaseline(
      {
        packageName: name,
        version: "0.11.0",
        repoRoot: repo,
        packagePath: "contracts",
        bufYaml: bufYamlPath,
        workDir: await mkdtemp(join(temp, "work-")),
        env: { ...process.env, NPM_CONFIG_USERCONFIG: "/dev/null" },
      },
      notes,
    );
    expect(baseline).toMatchObject({ version: "0.10.0", source: `git tag ${name}@0.10.0` });
    expect(await Bun.file(join(baseline?.dir ?? "", "proto/fixture/v1/note.proto")).text()).toBe(
      released,
    );
    expect(notes).toEqual([]);
  });
});

test("the baseline resolves imports from the working buf.yaml's node_modules modules", async () => {
  // As contracts/buf.yaml takes google/api from node_modules/google-proto-files.
  const repo = await mkdtemp(join(temp, "repo-"));
  const git = (...args: string[]) =>
    runOrThrow(["git", "-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: repo });
  const contractsDir = join(repo, "contracts");
  const depDir = join(contractsDir, "node_modules/dep/dep/v1");
  await mkdir(depDir, { recursive: true });
  await writeFile(
    join(depDir, "dep.proto"),
    'syntax = "proto3";\n\npackage dep.v1;\n\n// A dependency.\nmessage Dep {}\n',
  );
  await writeFile(join(repo, ".gitignore"), "node_modules/\n");
  const bufYamlPath = join(contractsDir, "buf.yaml");
  await writeFile(
    bufYamlPath,
    bufYaml.replace("  - path: proto\n", "  - path: proto\n  - path: node_modules/dep\n"),
  );
  const protoPath = join(contractsDir, "proto/fixture/v1/note.proto");
  await mkdir(join(protoPath, ".."), { recursive: true });
  const importing = released.replace(
    "package fixture.v1;\n",
    'package fixture.v1;\n\nimport "dep/v1/dep.proto";\n',
  );
  await writeFile(protoPath, importing);
  await git("init", "-q");
  await git("add", ".");
  await git("commit", "-q", "-m", "0.1.0");
  await git("tag", `${name}@0.1.0`);
  const baseline = await findBaseline(
    {
      packageName: name,
      version: "0.1.0",
      repoRoot: repo,
      packagePath: "contracts",
      bufYaml: bufYamlPath,
      workDir: await mkdtemp(join(temp, "work-")),
      env: { ...process.env, NPM_CONFIG_USERCONFIG: "/dev/null" },
    },
    [],
  );
  const verdict = await checkBreaking({
    contractsDir,
    packageName: name,
    version: "0.1.0",
    baseline,
    pending: null,
    buf,
  });
  expect(verdict).toEqual({
    ok: true,
    message: `no breaking change against ${name}@0.1.0 (git tag ${name}@0.1.0)`,
  });
});
