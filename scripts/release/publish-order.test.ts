import { expect, test } from "bun:test";
import { resolve } from "node:path";
import { publicPackages, publishOrder, type WorkspacePackage } from "./workspace-packages.ts";

const root = resolve(import.meta.dir, "../..");

test("the workspace publishes contracts and the kit before the harness", async () => {
  const names = publishOrder(await publicPackages(root)).map((pkg) => pkg.manifest.name);
  expect(names).toEqual([
    "@trellis/biome-config",
    "@trellis/contracts",
    "@trellis/service-kit",
    "@trellis/testing",
  ]);
});

function pkg(
  name: string,
  dependencies: string[],
  devDependencies: string[] = [],
): WorkspacePackage {
  const range = (names: string[]) => Object.fromEntries(names.map((n) => [n, "^0.1.0"]));
  return {
    dir: name,
    manifest: {
      name,
      version: "0.1.0",
      dependencies: range(dependencies),
      devDependencies: range(devDependencies),
    },
  };
}

const cases = [
  {
    name: "puts a dependency first whatever its name",
    packages: [pkg("a-harness", ["z-kit"]), pkg("z-kit", [], ["a-harness"])],
    want: ["z-kit", "a-harness"],
  },
  {
    name: "keeps name order between unrelated packages",
    packages: [pkg("b", []), pkg("a", ["left-pad"])],
    want: ["a", "b"],
  },
  {
    name: "follows a chain",
    packages: [pkg("c", ["b"]), pkg("a", []), pkg("b", ["a"])],
    want: ["a", "b", "c"],
  },
];

test.each(cases)("publishOrder $name", ({ packages, want }) => {
  expect(publishOrder(packages).map((p) => p.manifest.name)).toEqual(want);
});

test("publishOrder refuses a cycle of runtime dependencies", () => {
  expect(() => publishOrder([pkg("a", ["b"]), pkg("b", ["a"])])).toThrow(/depends on itself/);
});
