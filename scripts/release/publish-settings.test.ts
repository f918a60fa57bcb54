import { expect, test } from "bun:test";
import {
  normalizeScope,
  publishFlags,
  publishSettings,
  registryKind,
  scopedName,
  scopeProblem,
} from "./publish-settings.ts";

const npmjs = "https://registry.npmjs.org";
const github = "https://npm.pkg.github.com";

test.each([
  { url: npmjs, kind: "npmjs" },
  { url: `${npmjs}/`, kind: "npmjs" },
  { url: github, kind: "github" },
  { url: "https://NPM.pkg.github.com/", kind: "github" },
  { url: "http://localhost:4873", kind: "other" },
  { url: "not a url", kind: "other" },
])("registryKind($url) is $kind", ({ url, kind }) => {
  expect(registryKind(url)).toBe(kind);
});

test.each([
  { env: {}, want: { registry: github, scope: "@trellis", provenance: true, owner: undefined } },
  {
    env: { NPM_REGISTRY: npmjs, NPM_SCOPE: "Acme", NPM_PROVENANCE: "FALSE" },
    want: { registry: npmjs, scope: "@acme", provenance: false, owner: undefined },
  },
  {
    env: { NPM_SCOPE: "@acme", NPM_PROVENANCE: "true", GITHUB_REPOSITORY_OWNER: "Acme" },
    want: { registry: github, scope: "@acme", provenance: true, owner: "Acme" },
  },
])("publishSettings %#", ({ env, want }) => {
  expect(publishSettings(env)).toEqual(want);
});

test("normalizeScope refuses what is not a scope", () => {
  expect(() => normalizeScope("@a/b")).toThrow(/not an npm scope/);
});

const flagCases = [
  {
    name: "npmjs, public package: provenance and public access",
    registry: npmjs,
    provenance: true,
    private: false,
    want: ["--provenance", "--access", "public"],
  },
  {
    name: "npmjs with NPM_PROVENANCE=false: public access, no provenance",
    registry: npmjs,
    provenance: false,
    private: false,
    want: ["--provenance=false", "--access", "public"],
  },
  {
    name: "npmjs, private package: no public access",
    registry: npmjs,
    provenance: true,
    private: true,
    want: ["--provenance"],
  },
  {
    name: "GitHub Packages: no provenance (unsupported), visibility from the repository",
    registry: github,
    provenance: true,
    private: false,
    want: ["--provenance=false"],
  },
  {
    name: "another registry (verdaccio): neither",
    registry: "http://localhost:4873",
    provenance: true,
    private: false,
    want: ["--provenance=false"],
  },
];

test.each(flagCases)("publishFlags: $name", ({ registry, provenance, private: priv, want }) => {
  const settings = { registry, provenance, scope: "@trellis" };
  expect(publishFlags(settings, { private: priv })).toEqual(want);
});

const scopeCases = [
  {
    name: "GitHub Packages, the owner's scope",
    registry: github,
    scope: "@acme",
    owner: "Acme",
    ok: true,
  },
  {
    name: "GitHub Packages, another scope",
    registry: github,
    scope: "@trellis",
    owner: "acme",
    ok: false,
  },
  {
    name: "GitHub Packages outside Actions",
    registry: github,
    scope: "@trellis",
    owner: undefined,
    ok: true,
  },
  { name: "npmjs, any scope", registry: npmjs, scope: "@trellis", owner: "acme", ok: true },
];

test.each(scopeCases)("scopeProblem: $name", ({ registry, scope, owner, ok }) => {
  const problem = scopeProblem({ registry, scope, owner, provenance: true });
  if (ok) {
    expect(problem).toBeNull();
  } else {
    expect(problem).toContain("NPM_SCOPE is @trellis");
    expect(problem).toContain("@acme");
  }
});

test.each([
  { name: "@trellis/contracts", scope: "@acme", want: "@acme/contracts" },
  { name: "@trellis/contracts", scope: "@trellis", want: "@trellis/contracts" },
  { name: "postgres", scope: "@acme", want: "postgres" },
  { name: "@trellisx/a", scope: "@acme", want: "@trellisx/a" },
])("scopedName($name, $scope)", ({ name, scope, want }) => {
  expect(scopedName(name, scope)).toBe(want);
});
