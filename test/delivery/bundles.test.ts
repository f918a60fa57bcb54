// What the images' binaries are built from, checked without compiling them: Bun's bundler walks
// each `src/main.ts` as `bun build --compile` does, and no file of the test harness, of
// testcontainers or of PGlite may be in the graph. The manifests are checked too: a test-only
// package is never a runtime dependency of a package that ships.
import { expect, test } from "bun:test";
import { relative } from "node:path";
import { workspacePackages } from "../../scripts/release/workspace-packages.ts";
import {
  bundleInputs,
  packageOfInput,
  TEST_ONLY_PACKAGES,
  testOnlyInputs,
} from "./bundle-inputs.ts";
import { ROOT, serviceFolders } from "./repo.ts";

// The gateway's folder and each discovered service's: every one ships a binary.
const BINARIES = serviceFolders();

test.each(BINARIES)(
  "the %s binary bundles nothing test-only",
  async (dir) => {
    const inputs = await bundleInputs(dir);
    const packages = [...new Set(inputs.map(packageOfInput))].sort();
    // The list the binary carries, for whoever wonders what an image holds.
    process.stderr.write(`[bundle] ${dir}: ${inputs.length} files from ${packages.join(", ")}\n`);
    expect(inputs).toContain(`${dir}/src/main.ts`);
    expect(packages).toContain("workspace:service-kit");
    expect(testOnlyInputs(inputs)).toEqual([]);
  },
  30_000,
);

test("no package that ships names a test-only package in its dependencies", async () => {
  const found = (await workspacePackages(ROOT)).flatMap(({ dir, manifest }) =>
    manifest.name === "@trellis/testing"
      ? []
      : Object.keys(manifest.dependencies ?? {})
          .filter((name) => TEST_ONLY_PACKAGES.includes(name))
          .map((name) => `${relative(ROOT, dir) || "."}: ${name}`),
  );
  expect(found).toEqual([]);
});

const inputCases = [
  {
    name: "a harness file",
    path: "testing/src/test-database.ts",
    want: ["testing/src/test-database.ts"],
  },
  {
    name: "PGlite under node_modules",
    path: "node_modules/.bun/@electric-sql+pglite@0.5.16/node_modules/@electric-sql/pglite/dist/index.js",
    want: [
      "node_modules/.bun/@electric-sql+pglite@0.5.16/node_modules/@electric-sql/pglite/dist/index.js",
    ],
  },
  {
    name: "testcontainers under node_modules",
    path: "node_modules/.bun/testcontainers@12.2.0/node_modules/testcontainers/build/index.js",
    want: ["node_modules/.bun/testcontainers@12.2.0/node_modules/testcontainers/build/index.js"],
  },
  { name: "a kit file", path: "service-kit/src/db/pool.ts", want: [] },
  {
    name: "a service repository file",
    path: "services/identity/src/db/users.ts",
    want: [],
  },
];

test.each(inputCases)("the bundle check finds $name when it is there", ({ path, want }) => {
  expect(testOnlyInputs([path])).toEqual(want);
});

test("packageOfInput names scoped and plain packages and workspace folders", () => {
  expect(
    [
      "node_modules/.bun/@grpc+grpc-js@1.14.7/node_modules/@grpc/grpc-js/build/src/index.js",
      "node_modules/.bun/zod@4.6.7/node_modules/zod/index.js",
      "services/identity/src/main.ts",
      "contracts/gen/node/trellis/notes/v1/notes.ts",
    ].map(packageOfInput),
  ).toEqual(["@grpc/grpc-js", "zod", "workspace:services/identity", "workspace:contracts"]);
});
