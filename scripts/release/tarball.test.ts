import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { runOrThrow } from "./run-command.ts";
import { stagePackage } from "./stage-package.ts";
import { type PackageManifest, readPackage } from "./workspace-packages.ts";

// What a consumer downloads: the staged folder `bun run release` publishes, as `npm pack` sees it.

const root = resolve(import.meta.dir, "../..");
const temp = await mkdtemp(join(tmpdir(), "tarball-"));
const packed = new Map<string, { files: string[]; manifest: PackageManifest }>();

beforeAll(async () => {
  await Promise.all(
    ["biome-config", "contracts", "service-kit", "testing"].map(async (dir) => {
      const stage = await stagePackage(await readPackage(join(root, dir)), join(temp, dir));
      const stdout = await runOrThrow(["npm", "pack", "--dry-run", "--json"], { cwd: stage });
      const [report] = JSON.parse(stdout) as { files: { path: string }[] }[];
      const manifest = (await Bun.file(join(stage, "package.json")).json()) as PackageManifest;
      packed.set(dir, { files: report?.files.map((f) => f.path) ?? [], manifest });
    }),
  );
}, 60_000);
afterAll(() => rm(temp, { recursive: true, force: true }));

const cases = [
  {
    // Nothing to compile: the preset services extend, as it is.
    dir: "biome-config",
    holds: ["biome.json"],
    only: /^(biome\.json|package\.json|README\.md|CHANGELOG\.md)$/,
  },
  {
    dir: "contracts",
    holds: [
      "dist/gen/node/trellis/notes/v1/notes.js",
      "dist/gen/node/trellis/notes/v1/notes.d.ts",
      "dist/gen/browser/trellis/identity/v1/identity.js",
      "dist/gen/browser/trellis/identity/v1/identity.d.ts",
      "dist/gen/descriptors.js",
      "dist/src/descriptors.js",
      "dist/src/http-rules.d.ts",
      "proto/trellis/notes/v1/notes.proto",
      "proto/trellis/api/v1/annotations.proto",
      "proto/trellis/identity/v1/identity.proto",
      "buf.yaml",
    ],
    only: /^(dist\/.*\.(js|d\.ts)|proto\/.*\.proto|buf\.yaml|package\.json|README\.md|CHANGELOG\.md)$/,
  },
  {
    dir: "service-kit",
    holds: ["dist/index.js", "dist/index.d.ts", "dist/harness.js", "dist/harness.d.ts"],
    // The harness is its own package: nothing of it, nor of the kit's other packages, here, and
    // no bundled dependency (the database client is Bun's own).
    only: /^(dist\/(?!testing\/).*\.(js|d\.ts)|package\.json|README\.md|CHANGELOG\.md)$/,
  },
  {
    dir: "testing",
    holds: [
      "dist/index.js",
      "dist/index.d.ts",
      "dist/preload.js",
      "dist/node-client.js",
      "dist/node-client.d.ts",
    ],
    only: /^(dist\/[\w-]+\.(js|d\.ts)|package\.json|README\.md|CHANGELOG\.md)$/,
  },
];

test.each(cases)("the $dir tarball holds compiled JS, types and its own files only", (row) => {
  const files = packed.get(row.dir)?.files ?? [];
  expect(files).toEqual(expect.arrayContaining(row.holds));
  expect(files.filter((file) => !row.only.test(file))).toEqual([]);
  // Compiled folders keep their names under dist/ (dist/gen, dist/src): sources stay out.
  expect(files.filter((file) => /\.test\.|^(test|src|gen)\//.test(file))).toEqual([]);
});

test("the published buf.yaml builds outside the workspace: google/api from the registry, no node_modules", async () => {
  const published = await Bun.file(join(temp, "contracts", "buf.yaml")).text();
  expect(published).not.toContain("node_modules");
  expect(parse(published)).toMatchObject({
    version: "v2",
    modules: [{ path: "proto" }],
    deps: ["buf.build/googleapis/googleapis"],
  });
});

test.each(cases)("every export of the $dir tarball names a file it holds", ({ dir }) => {
  const { files = [], manifest } = packed.get(dir) ?? {};
  const targets = Object.values(manifest?.exports ?? {}).flatMap((target) =>
    typeof target === "string" ? [target] : Object.values(target),
  );
  expect(targets.length).toBeGreaterThan(0);
  for (const target of targets.filter((t) => !t.includes("*"))) {
    expect(files).toContain(target.replace(/^\.\//, ""));
  }
  expect(manifest?.scripts).toBeUndefined();
  expect(manifest?.devDependencies).toBeUndefined();
});
