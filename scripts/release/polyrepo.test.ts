import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cp, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createBrowser } from "../../test/system/support/browser.ts";
import { startStack } from "../../test/system/support/stack.ts";
import { type LocalRegistry, startLocalRegistry } from "./local-registry.ts";
import { runCommand } from "./run-command.ts";

// The polyrepo proof: the template, identity and the gateway, each copied alone out of the
// workspace, install the contracts, the kit, the harness and the lint preset from a registry by
// version, typecheck and lint with their own configs, pass their own tests and compile their
// binaries; the three binaries then serve a sign-in and a note together. The template also
// takes a contracts release.

const root = resolve(import.meta.dir, "../..");
const npmReachable = await fetch("https://registry.npmjs.org/-/ping", {
  signal: AbortSignal.timeout(5_000),
}).then(
  (res) => res.ok,
  () => false,
);
if (!npmReachable) {
  console.warn(
    "polyrepo test skipped (CI fails on this: scripts/junit-report.ts): registry.npmjs.org does not answer, and the copied service installs its third-party packages from it",
  );
}

let registry: LocalRegistry | undefined;
let work = "";
let service = "";

/** Runs a command; with `publish`, npm gets the registry and its token as a release job would. */
async function run(cmd: string[], cwd: string, publish = false): Promise<string> {
  const env = publish ? { ...process.env, NPM_CONFIG_USERCONFIG: registry?.npmrc } : process.env;
  const result = await runCommand(cmd, { cwd, env, timeoutMs: 110_000 });
  const output = `${result.stdout}${result.stderr}`;
  if (result.code !== 0) {
    throw new Error(`${cmd.join(" ")} exited with ${result.code}:\n${failureExcerpt(output)}`);
  }
  return output;
}

/**
 * What a failed command said about its failure: the 30 lines before each failed test of a
 * `bun test` (its error and the assertion), else the end of the output.
 */
function failureExcerpt(output: string): string {
  const lines = output.split("\n");
  const failed = lines.flatMap((line, at) => (line.startsWith("(fail)") ? [at] : []));
  if (failed.length === 0) {
    return output.slice(-4_000);
  }
  return failed.map((at) => lines.slice(Math.max(0, at - 30), at + 1).join("\n")).join("\n…\n");
}

/**
 * Copies a folder of the workspace to `<work>/<name>` as a team's own repository would hold it:
 * no node_modules, build output or data; the scope's registry in .npmrc (GitHub Packages in real
 * life), everything else from npmjs through the machine's cache, no lockfile from elsewhere.
 */
async function copyOut(folder: string, name: string): Promise<string> {
  const dir = join(work, name);
  await cp(join(root, folder), dir, {
    recursive: true,
    filter: (source) => !/\/(node_modules|\.data|dist)$/.test(source),
  });
  await writeFile(join(dir, ".npmrc"), `@trellis:registry=${registry?.url}\n`);
  return dir;
}

async function installedVersion(name: string): Promise<string> {
  const manifest = await readFile(join(service, "node_modules", name, "package.json"), "utf8");
  return (JSON.parse(manifest) as { version: string }).version;
}

describe.skipIf(!npmReachable)("a service copied out of the workspace", () => {
  beforeAll(async () => {
    registry = await startLocalRegistry();
    work = await mkdtemp(join(tmpdir(), "trellis-polyrepo-"));
    service = await copyOut("service-template", "notes");
    await run(["bun", "run", "release", "--no-git-tag"], root, true);
  }, 90_000);

  afterAll(async () => {
    await registry?.stop();
    if (work !== "") {
      await rm(work, { recursive: true, force: true });
    }
  });

  test("installs the published packages by version, lints and passes its tests", async () => {
    await run(["bun", "install"], service);
    const contracts = (await Bun.file(join(root, "contracts", "package.json")).json()) as {
      version: string;
    };
    expect(await installedVersion("@trellis/contracts")).toBe(contracts.version);
    expect(await Bun.file(join(service, "node_modules/@trellis/contracts/gen")).exists()).toBe(
      false,
    );
    await run(["bun", "x", "tsc", "-p", "tsconfig.json"], service);
    // Its own biome.json, a root extending @trellis/biome-config from the registry. The probe
    // proves the preset's rules apply: Biome's defaults, which it falls back to when it ignores
    // a config, allow console.
    expect(await run(["bun", "run", "lint"], service)).toMatch(/Checked \d+ files/);
    await writeFile(join(service, "src/probe.ts"), "console.log(1);\n");
    await expect(run(["bun", "run", "lint"], service)).rejects.toThrow(/noConsole/);
    await rm(join(service, "src/probe.ts"));
    expect(await run(["bun", "test"], service)).toMatch(/ 0 fail/);
    await run(["bun", "run", "build"], service);
  }, 120_000);

  test("identity, copied out alone, installs, typechecks, lints, passes its tests and compiles its binary", async () => {
    const identity = await copyOut("services/identity", "identity");
    await run(["bun", "install"], identity);
    await run(["bun", "x", "tsc", "-p", "tsconfig.json"], identity);
    expect(await run(["bun", "run", "lint"], identity)).toMatch(/Checked \d+ files/);
    const tested = await run(["bun", "test"], identity);
    expect(tested).toMatch(/ [1-9]\d* pass/);
    expect(tested).toMatch(/ 0 fail/);
    await run(["bun", "run", "build"], identity);
    // What its image copies: the binary (executable) and its migrations.
    expect((await stat(join(identity, "dist/identity"))).mode & 0o111).not.toBe(0);
    expect((await stat(join(identity, "dist/migrations"))).isDirectory()).toBe(true);
  }, 240_000);

  test("the gateway, copied out alone with its web app, installs, typechecks, lints, passes its tests and compiles its binary", async () => {
    const gateway = await copyOut("gateway", "gateway");
    // One install for both: the gateway's package.json lists web/ as its workspace.
    await run(["bun", "install"], gateway);
    await run(["bun", "x", "tsc", "-p", "tsconfig.json"], gateway);
    await run(["bun", "run", "typecheck"], join(gateway, "web"));
    expect(await run(["bun", "run", "lint"], gateway)).toMatch(/Checked \d+ files/);
    const tested = await run(["bun", "test"], gateway);
    expect(tested).toMatch(/ [1-9]\d* pass/);
    expect(tested).toMatch(/ 0 fail/);
    await run(["bun", "run", "build"], join(gateway, "web"));
    await run(["bun", "run", "build"], gateway);
    expect((await stat(join(gateway, "dist/gateway"))).mode & 0o111).not.toBe(0);
    expect(await Bun.file(join(gateway, "dist/web/index.html")).exists()).toBe(true);
  }, 300_000);

  test("the three binaries compiled out there serve a sign-in and a note through the gateway", async () => {
    const stack = await startStack({
      binaries: {
        gateway: join(work, "gateway/dist/gateway"),
        identity: join(work, "identity/dist/identity"),
        notes: join(service, "dist/notes"),
      },
      fakeProviderDir: join(work, "gateway"),
    });
    try {
      const browser = createBrowser(stack.gatewayUrl);
      await browser.signIn("dev", { id: "polyrepo-user", name: "Polyrepo User" });
      const created = await browser.api("/api/notes", {
        method: "POST",
        json: { title: "three repositories", body: "one sign-in" },
      });
      expect(created.status).toBe(201);
      const note = await created.json();
      const listed = await browser.api("/api/notes");
      expect(await listed.json()).toEqual({ notes: [note], nextPageToken: "" });
    } finally {
      await stack.stop();
    }
  }, 60_000);

  test("the breaking-change gate compares with the published protos", async () => {
    const output = await run(["bun", "run", "contracts:check"], root, true);
    expect(output).toMatch(/contracts:check: ok: no breaking change against .* \(the registry\)/);
  }, 30_000);

  test("takes a minor contracts release with bun update and still passes", async () => {
    const next = await releaseMinorContracts();
    // On 0.x a caret range stops at the next minor, which may break (see contracts/README.md),
    // so taking one is an explicit --latest; from 1.0 on a plain `bun update` takes minors.
    const latest = next.startsWith("0.") ? ["--latest"] : [];
    await run(["bun", "update", "@trellis/contracts", ...latest], service);
    expect(await installedVersion("@trellis/contracts")).toBe(next);
    const types = await readFile(
      join(service, "node_modules/@trellis/contracts/dist/gen/node/trellis/notes/v1/notes.d.ts"),
      "utf8",
    );
    expect(types).toContain("probeTime");
    await run(["bun", "x", "tsc", "-p", "tsconfig.json"], service);
    expect(await run(["bun", "test"], service)).toMatch(/ 0 fail/);
  }, 120_000);
});

/**
 * Releases the next minor version of the contracts with one more field on Note, through the
 * release command, from a copy of contracts/ (its tools linked from the workspace) so the
 * workspace itself is left alone. Returns the version released.
 */
async function releaseMinorContracts(): Promise<string> {
  const dir = join(work, "contracts");
  await cp(join(root, "contracts"), dir, {
    recursive: true,
    filter: (source) => !/\/(node_modules|gen|dist)$/.test(source),
  });
  await symlink(join(root, "contracts", "node_modules"), join(dir, "node_modules"));
  await cp(join(root, "tsconfig.base.json"), join(work, "tsconfig.base.json"));
  const manifestPath = join(dir, "package.json");
  const manifest = (await Bun.file(manifestPath).json()) as { version: string };
  const [major = 0, minor = 0] = manifest.version.split(".").map(Number);
  manifest.version = `${major}.${minor + 1}.0`;
  await Bun.write(manifestPath, JSON.stringify(manifest, null, 2));
  const protoPath = join(dir, "proto/trellis/notes/v1/notes.proto");
  const proto = await readFile(protoPath, "utf8");
  await writeFile(protoPath, withProbeField(proto));
  await run(["bun", "run", "release", "--no-git-tag", dir], root, true);
  return manifest.version;
}

/** Adds an optional message field after the highest field number of `message Note`. */
function withProbeField(proto: string): string {
  const start = proto.indexOf("message Note {");
  const end = proto.indexOf("\n}", start);
  // A field's number, with or without options (`= 4 [(google.api.field_behavior) = OUTPUT_ONLY];`).
  const numbered = /= (\d+)(?: \[[^\]]*\])?;/g;
  const numbers = [...proto.slice(start, end).matchAll(numbered)].map((m) => Number(m[1]));
  const field = `\n  // Added by the polyrepo test's minor release.\n  google.protobuf.Timestamp probe_time = ${Math.max(...numbers) + 1};`;
  return proto.slice(0, end) + field + proto.slice(end);
}
