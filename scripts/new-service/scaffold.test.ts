import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdir, rm } from "node:fs/promises";
import { policyProblems } from "../../test/delivery/k8s-policy.ts";
import { K8S_DIR, OVERLAYS, renderOverlay } from "../../test/delivery/k8s-render.ts";
import { schemaErrors } from "../../test/delivery/k8s-schema.ts";
import { k8sServiceProblems, readK8sListing } from "../../test/delivery/k8s-services.ts";
import { discoverServices } from "../services/discover.ts";
import { writeServiceEntries } from "../services/entries/index.ts";
import { freshServiceName, nextServicePort } from "./fresh-name.ts";
import { serviceNames } from "./naming.ts";
import { copyRepo, repoRoot, snapshot } from "./repo-copy.ts";
import { ScaffoldError, scaffoldService } from "./scaffold.ts";

// The scaffolder against a copy of this repository: bad input is refused with every reason and
// nothing written; a failure after staging takes everything back; what it writes for deploy/k8s
// renders and passes the repository's own k8s checks.

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
  // Records the entry, and writes it as main.ts does, for the k8s test below.
  const record = async (at: string, entry: Parameters<typeof writeServiceEntries>[1]) => {
    entries.push(entry);
    await writeServiceEntries(at, entry);
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
  const k8s = `${K8S_DIR}/base/services/${fresh}`;
  expect(done.files.filter((f) => !f.startsWith(`services/${fresh}/`))).toEqual([
    `contracts/proto/trellis/${fresh}/v1/${fresh}.proto`,
    ...K8S_FILES.map((file) => `${k8s}/${file}`),
    "contracts/package.json",
    `.changeset/new-service-${fresh}.md`,
  ]);
  const written = await snapshot(root);
  expect(await problems(fresh)).toEqual([
    `a service named "${fresh}" exists already`,
    `the package @trellis/${fresh} exists already`,
    `services/${fresh} exists already; nothing is merged into it`,
    `contracts/proto/trellis/${fresh} exists already; nothing is merged into it`,
    `${k8s} exists already; nothing is merged into it`,
    `.changeset/new-service-${fresh}.md exists already; nothing is merged into it`,
  ]);
  expect(await snapshot(root)).toEqual(written);
}, 30_000);

// The files of notes' folder (deploy/k8s/base/services/notes), which the new one copies.
const K8S_FILES = [
  "deployment.yaml",
  "horizontal-pod-autoscaler.yaml",
  "kustomization.yaml",
  "network-policy.yaml",
  "pod-disruption-budget.yaml",
  "postgres.yaml",
  "service.yaml",
];

describe.each(OVERLAYS)("the scaffolded service in the %s overlay", (overlay) => {
  const objects = () => renderOverlay(overlay, root);

  test("renders its workload, headless Service, budget, autoscaler, policies and Postgres", () => {
    const own = objects()
      .filter((o) => [fresh, `${fresh}-postgres`].includes(o.metadata.name))
      .map((o) => `${o.kind}/${o.metadata.name}`)
      .sort();
    expect(own).toEqual(
      [
        `Deployment/${fresh}`,
        `HorizontalPodAutoscaler/${fresh}`,
        `NetworkPolicy/${fresh}`,
        `NetworkPolicy/${fresh}-postgres`,
        `PodDisruptionBudget/${fresh}`,
        `Service/${fresh}`,
        `Service/${fresh}-postgres`,
        `StatefulSet/${fresh}-postgres`,
      ].sort(),
    );
  }, 30_000);

  test("matches the schemas and passes every k8s policy rule", () => {
    const rendered = objects();
    expect(schemaErrors(rendered)).toEqual([]);
    expect(policyProblems(overlay, rendered)).toEqual([]);
  }, 30_000);
});

test("deploy/k8s lists it as the delivery check wants: folder, resources, REST entry, images, port", async () => {
  const listing = await readK8sListing(root);
  expect(k8sServiceProblems(listing, await discoverServices(root))).toEqual([]);
}, 30_000);

test("its database and role are its name, reached with its own Secret, as the README's URL says", () => {
  const postgres = renderOverlay("production", root).find(
    (o) => o.kind === "StatefulSet" && o.metadata.name === `${fresh}-postgres`,
  ) as { spec: { template: { spec: PodSpec } } } | undefined;
  const pod = postgres?.spec.template.spec;
  const env = Object.fromEntries((pod?.containers[0]?.env ?? []).map((e) => [e.name, e.value]));
  expect(env).toMatchObject({ POSTGRES_USER: fresh, POSTGRES_DB: fresh });
  expect(pod?.volumes.map((v) => v.secret?.secretName)).toContain(`${fresh}-database`);
}, 30_000);

interface PodSpec {
  containers: { env?: { name: string; value?: string }[] }[];
  volumes: { secret?: { secretName: string } }[];
}
