import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdir, rm } from "node:fs/promises";
import { freshServiceName, nextServicePort } from "./fresh-name.ts";
import { serviceNames } from "./naming.ts";
import { copyRepo, repoRoot, snapshot } from "./repo-copy.ts";
import { ScaffoldError, scaffoldService } from "./scaffold.ts";

// The scaffolder against a copy of this repository: bad input is refused with every reason and
// nothing written; a failure after staging takes everything back.

let root: string;
let before: Map<string, string>;
// A name no service of this repository has yet: `things` unless a team made it.
const fresh = await freshServiceName(repoRoot);
const names = serviceNames(fresh);
beforeAll(async () => {
  root = await copyRepo({ linkModules: true });
  before = await snapshot(root);
}, 30_000);
afterAll(() => rm(root, { recursive: true, force: true }));

async function problems(name: string, resource?: string): Promise<string[]> {
  const error = await scaffoldService(root, name, { resource }).catch((e: unknown) => e);
  return error instanceof ScaffoldError ? error.problems : [`not refused: ${error}`];
}

test.each([
  { name: "Things", resource: undefined, want: /must be lower-case letters and digits/ },
  { name: "my-things", resource: undefined, want: /no dashes.*"mythings"/ },
  { name: "9things", resource: undefined, want: /starting with a letter/ },
  { name: "", resource: undefined, want: /must be lower-case/ },
  { name: "x".repeat(31), resource: undefined, want: /at most 30 characters/ },
  { name: "gateway", resource: undefined, want: /"gateway" is reserved/ },
  { name: "notes", resource: undefined, want: /"notes" is reserved/ },
  { name: "identity", resource: undefined, want: /a service named "identity" exists already/ },
  { name: "contracts", resource: undefined, want: /package @trellis\/contracts exists already/ },
  { name: "users", resource: undefined, want: /"user" is already a word in the template/ },
  { name: "things", resource: "title", want: /"title" is already a word in the template/ },
  { name: "things", resource: "Thing", want: /resource "Thing": must be lower-case/ },
  { name: "things", resource: "my-thing", want: /resource "my-thing": no dashes/ },
])("refuses $name (resource $resource)", async ({ name, resource, want }) => {
  expect((await problems(name, resource)).join("\n")).toMatch(want);
});

test("nothing was written by the refusals", async () => {
  expect(await snapshot(root)).toEqual(before);
});

test("a failing step after the files are in place takes every file back", async () => {
  const failing = async () => {
    throw new Error("entries refused");
  };
  const error = await scaffoldService(root, fresh, { writeServiceEntries: failing }).catch(
    (e: unknown) => e,
  );
  expect(String(error)).toContain("entries refused");
  expect(await snapshot(root)).toEqual(before);
  expect((await readdir(root)).filter((f) => f.startsWith(".new-service-"))).toEqual([]);
});

test("writes the service once, hands its entry to the hook, and refuses a second run", async () => {
  const entries: unknown[] = [];
  const record = async (_root: string, entry: unknown) => {
    entries.push(entry);
  };
  const done = await scaffoldService(root, fresh, { writeServiceEntries: record });
  const entry = {
    name: fresh,
    dir: `services/${fresh}`,
    packageName: `@trellis/${fresh}`,
    port: await nextServicePort(repoRoot),
    rest: [`trellis.${fresh}.v1.${names.namePascal}Service`],
  };
  expect(entries).toEqual([entry]);
  expect(done.files).toContain(`services/${fresh}/src/handlers/list-${names.plural}.ts`);
  // The notes service's labels example stays behind (trellis.template.omit).
  expect(done.files.filter((f) => /label/.test(f))).toEqual([]);
  // Idempotent creates come with the template: its table's migration keeps its number.
  expect(done.files.filter((f) => f.includes("/migrations/"))).toEqual([
    `services/${fresh}/migrations/0001_create_${names.plural}.sql`,
    `services/${fresh}/migrations/0003_create_idempotency_keys.sql`,
  ]);
  expect(done.files).toContain(`services/${fresh}/src/testing/fake-idempotency.ts`);
  expect(done.files.filter((f) => !f.startsWith(`services/${fresh}/`))).toEqual([
    `contracts/proto/trellis/${fresh}/v1/${fresh}.proto`,
    "contracts/package.json",
    `.changeset/new-service-${fresh}.md`,
  ]);
  const written = await snapshot(root);
  expect(await problems(fresh)).toEqual([
    `a service named "${fresh}" exists already`,
    `the package @trellis/${fresh} exists already`,
    `services/${fresh} exists already; nothing is merged into it`,
    `contracts/proto/trellis/${fresh} exists already; nothing is merged into it`,
    `.changeset/new-service-${fresh}.md exists already; nothing is merged into it`,
  ]);
  expect(await snapshot(root)).toEqual(written);
}, 30_000);
