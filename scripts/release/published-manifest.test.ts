import { expect, test } from "bun:test";
import { publishedManifest, withScope } from "./published-manifest.ts";
import type { PackageManifest } from "./workspace-packages.ts";

const testing: PackageManifest = {
  name: "@trellis/testing",
  version: "0.3.0",
  exports: { ".": "./src/index.ts" },
  dependencies: { "@trellis/service-kit": "^0.4.0", postgres: "3.4.5" },
  peerDependencies: { "@trellis/contracts": "^0.2.0" },
  devDependencies: { "@trellis/biome-config": "workspace:*" },
  bundleDependencies: ["postgres"],
};

const cases = [
  {
    name: "the workspace scope: unchanged",
    scope: "@trellis",
    want: {
      name: "@trellis/testing",
      dependencies: { "@trellis/service-kit": "^0.4.0", postgres: "3.4.5" },
      peerDependencies: { "@trellis/contracts": "^0.2.0" },
    },
  },
  {
    name: "a fork's scope: the name and the @trellis/* dependencies renamed, ranges kept",
    scope: "@acme",
    want: {
      name: "@acme/testing",
      dependencies: { "@acme/service-kit": "^0.4.0", postgres: "3.4.5" },
      peerDependencies: { "@acme/contracts": "^0.2.0" },
    },
  },
];

test.each(cases)("withScope: $name", ({ scope, want }) => {
  expect(withScope(testing, scope)).toMatchObject(want);
  expect(withScope(testing, scope).bundleDependencies).toEqual(["postgres"]);
});

test("publishedManifest applies the scope and still compiles the exports", () => {
  const published = publishedManifest(testing, { sourceRoot: "src", scope: "@acme" });
  expect(published.name).toBe("@acme/testing");
  expect(published.dependencies).toEqual({ "@acme/service-kit": "^0.4.0", postgres: "3.4.5" });
  expect(published.devDependencies).toBeUndefined();
  expect(published.exports).toEqual({
    ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
  });
});

test("publishedManifest without a scope keeps the names", () => {
  expect(publishedManifest(testing, { sourceRoot: "src" }).name).toBe("@trellis/testing");
});
