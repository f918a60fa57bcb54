import { expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { workspacePackages } from "../../scripts/release/workspace-packages.ts";
import { sourceFiles } from "../../scripts/security/source-files.ts";
import { importSpecifiers } from "./import-specifiers.ts";
import { importViolations, type Violation } from "./import-violations.ts";
import { packageOf, packageRules } from "./package-rules.ts";
import { diagramArrows } from "./readme-diagram.ts";

const root = join(import.meta.dir, "../..");
const workspace = new Map(
  (await workspacePackages(root)).map((pkg) => [pkg.manifest.name, relative(root, pkg.dir)]),
);

test("every workspace package has a rule", () => {
  const unruled = [...workspace.values()].filter(
    (folder) => packageOf(`${folder}/package.json`) !== folder,
  );
  expect(unruled).toEqual([]);
});

test("no source file imports across the allowed directions", async () => {
  const violations: Violation[] = [];
  for (const file of await sourceFiles(root)) {
    const text = await readFile(join(root, file), "utf8");
    violations.push(...importViolations(file, importSpecifiers(file, text), workspace));
  }
  expect(violations).toEqual([]);
});

test("the README's package diagram draws exactly the allowed directions", async () => {
  const labelOf = new Map(packageRules.map((rule) => [rule.folder, rule.label]));
  const allowed = packageRules.flatMap((rule) => [
    ...rule.mayImport.map((target) => `${rule.label} --> ${labelOf.get(target) ?? target}`),
    ...(rule.testsMayImport ?? []).map(
      (target) => `${rule.label} -.-> ${labelOf.get(target) ?? target}`,
    ),
  ]);
  const drawn = diagramArrows(await readFile(join(root, "README.md"), "utf8"));
  expect(drawn.sort()).toEqual(allowed.sort());
});

// The checker on planted files: each broken rule is found, and allowed imports pass.
const planted = {
  "@trellis/contracts": "contracts",
  "@trellis/service-kit": "service-kit",
  "@trellis/testing": "testing",
  "@trellis/notes": "service-template",
  "@trellis/identity": "services/identity",
  "@trellis/gateway": "gateway",
  "@trellis/web": "gateway/web",
  "@trellis/bench": "bench",
};

const cases = [
  {
    name: "a service importing another service",
    file: "services/billing/src/handlers/charge.ts",
    text: 'import { userOf } from "@trellis/identity";',
    want: ["services/billing may not import services/identity"],
  },
  {
    name: "a service importing the gateway's types",
    file: "services/identity/src/user.ts",
    text: 'import type { App } from "@trellis/gateway/app";',
    want: ["services/identity may not import gateway"],
  },
  {
    name: "the kit re-exporting a service",
    file: "service-kit/src/index.ts",
    text: 'export { createNotesRepo } from "@trellis/notes";',
    want: ["service-kit may not import service-template"],
  },
  {
    name: "contracts importing a type of the kit",
    file: "contracts/src/index.ts",
    text: 'import { type Sql } from "@trellis/service-kit";',
    want: ["contracts may not import service-kit"],
  },
  {
    name: "the gateway loading bench lazily",
    file: "gateway/src/app.ts",
    text: 'const stack = await import("@trellis/bench/stack");',
    want: ["gateway may not import bench"],
  },
  {
    name: "a script importing bench",
    file: "scripts/dev.ts",
    text: 'import "@trellis/bench";',
    want: ["the root package may not import bench"],
  },
  {
    name: "a component importing a service",
    file: "gateway/web/src/pages/Home.svelte",
    text: '<script lang="ts">\n  import { x } from "@trellis/identity";\n</script>\n<p>{x}</p>',
    want: ["gateway/web may not import services/identity"],
  },
  {
    name: "a relative path into another package",
    file: "gateway/src/log.ts",
    text: 'import { createLogger } from "../../service-kit/src/log.ts";',
    want: ["a relative path into service-kit: import it by its package name"],
  },
  {
    name: "the web app importing the gateway it lives in, by relative path",
    file: "gateway/web/src/lib/api.ts",
    text: 'import type { App } from "../../../src/app.ts";',
    want: [],
  },
  {
    name: "the gateway importing the web app inside it, by relative path",
    file: "gateway/src/app.ts",
    text: 'import { page } from "../web/src/page.ts";',
    want: ["a relative path into gateway/web: import it by its package name"],
  },
  {
    name: "a relative path out of the repository",
    file: "bench/run.ts",
    text: 'import { secret } from "../../elsewhere.ts";',
    want: ["a relative path out of the repository"],
  },
  {
    name: "a service's server importing the test harness",
    file: "services/identity/src/server.ts",
    text: 'import { freePort } from "@trellis/testing";',
    want: ["only the tests of services/identity may import testing"],
  },
  {
    name: "the kit's code importing the test harness",
    file: "service-kit/src/db/pool.ts",
    text: 'import { createTestDatabase } from "@trellis/testing";',
    want: ["only the tests of service-kit may import testing"],
  },
  {
    name: "the harness importing a service",
    file: "testing/src/test-server.ts",
    text: 'import { createServer } from "@trellis/notes";',
    want: ["testing may not import service-template"],
  },
  {
    name: "a service's handler test importing the harness",
    file: "services/identity/src/handlers/get-user.test.ts",
    text: 'import { outcome } from "@trellis/testing";',
    want: [],
  },
  {
    name: "a service's fixtures under src/testing importing the harness",
    file: "services/identity/src/testing/fixtures.ts",
    text: 'import type { Outcome } from "@trellis/testing";',
    want: [],
  },
  {
    name: "a service importing contracts and the kit",
    file: "services/billing/src/server.ts",
    text: 'import { a } from "@trellis/contracts/billing/v1";\nimport { b } from "@trellis/service-kit";',
    want: [],
  },
  {
    name: "the web app importing the gateway's types",
    file: "gateway/web/src/lib/api.ts",
    text: 'import type { App } from "@trellis/gateway/app";',
    want: [],
  },
  {
    name: "a relative path inside its own package",
    file: "gateway/src/routes/auth.ts",
    text: 'import { serve } from "../../fake-provider/serve.ts";',
    want: [],
  },
  {
    name: "an import written in a string or a comment",
    file: "services/identity/src/user.ts",
    text: 'const s = \'import { x } from "@trellis/gateway"\'; // import "@trellis/bench"',
    want: [],
  },
];

test.each(cases)("planted: $name", ({ file, text, want }) => {
  const found = importViolations(
    file,
    importSpecifiers(file, text),
    new Map(Object.entries(planted)),
  );
  expect(found.map((violation) => violation.problem)).toEqual(want);
  expect(found.every((violation) => violation.file === file)).toBe(true);
});
