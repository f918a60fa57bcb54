import { afterEach, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import {
  composeListing,
  deploySecretsListing,
  envExampleListing,
  initScriptListing,
} from "./listed.ts";
import type { EntryService } from "./names.ts";
import { ENTRY_FILES, writeServiceEntries } from "./write.ts";

const ROOT = join(import.meta.dir, "../../..");
let dir = "";

/** A copy of the repository's files that list services, in a temp root. */
function copyRoot(): string {
  dir = mkdtempSync(join(tmpdir(), "entries-"));
  for (const { path } of ENTRY_FILES) {
    cpSync(join(ROOT, path), join(dir, path), { recursive: true });
  }
  return dir;
}
const read = (path: string): string => readFileSync(join(dir, path), "utf8");
const snapshot = () => ENTRY_FILES.map(({ path }) => read(path));

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const cases: { name: string; service: EntryService; rest: string[]; gatewayWaits: boolean }[] = [
  {
    // Dashed names: the scaffolder never makes one, so no fork already lists these.
    name: "a service with a REST API",
    service: {
      name: "probe-rest",
      dir: "services/probe-rest",
      port: 65001,
      rest: ["t.v1.ProbeService"],
    },
    rest: ["t.v1.ProbeService=probe-rest:65001"],
    gatewayWaits: true,
  },
  {
    // Its settings are PROBE_QUIET_*; the gateway, which does not call it, is left alone.
    name: "a service with no REST API",
    service: { name: "probe-quiet", dir: "services/probe-quiet", port: 65002, rest: [] },
    rest: [],
    gatewayWaits: false,
  },
];

test.each(cases)("writes $name into every file", async ({ service, rest, gatewayWaits }) => {
  const root = copyRoot();
  expect(await writeServiceEntries(root, service)).toEqual(ENTRY_FILES.map(({ path }) => path));
  for (const file of ["compose.yaml", "deploy/compose.yaml"]) {
    const listing = composeListing(read(file));
    expect(listing.services).toContain(service.name);
    expect(listing.databases).toContain(service.name);
    // compose.yaml has one gateway; deploy/compose.yaml two replicas, each given the entries.
    expect(listing.gateways.length).toBe(file === "compose.yaml" ? 1 : 2);
    for (const gateway of listing.gateways) {
      expect(gateway.restServices).toEqual(expect.arrayContaining(rest));
      expect(gateway.dependsOn.includes(service.name)).toBe(gatewayWaits);
    }
  }
  expect(initScriptListing(read("deploy/postgres/init-databases.sh"))).toContain(service.name);
  expect(envExampleListing(read(".env.example"))).toContain(service.name);
  expect(deploySecretsListing(read("deploy/.env.example"))).toContain(service.name);
  // deploy/k8s: its folder in the base's resources, its REST entries, its image in each overlay,
  // unreleased in production (pin-image.sh replaces the placeholder at its first release).
  const base = parse(read("deploy/k8s/base/kustomization.yaml")) as K8sKustomization;
  expect(base.resources).toContain(`services/${service.name}`);
  const routes = base.configMapGenerator?.find((g) => g.name === "gateway-routes")?.literals;
  expect(routes?.[0]?.split("=").slice(1).join("=").split(",")).toEqual(
    expect.arrayContaining(rest),
  );
  const image = `ghcr.io/trellis-dev/trellis-${service.name}`;
  const production = parse(read("deploy/k8s/overlays/production/kustomization.yaml"));
  expect((production as K8sKustomization).images).toContainEqual({
    name: image,
    newTag: "0.1.0",
    digest: `sha256:${"0".repeat(64)}`,
  });
  const local = parse(read("deploy/k8s/overlays/local/kustomization.yaml"));
  expect((local as K8sKustomization).images).toContainEqual({
    name: image,
    newName: `trellis-${service.name}`,
    newTag: "dev",
  });
});

interface K8sKustomization {
  resources?: string[];
  configMapGenerator?: { name: string; literals?: string[] }[];
  images?: Record<string, string>[];
}

test("refuses a service already listed and leaves every file as it was", async () => {
  const root = copyRoot();
  const notes = { name: "notes", dir: "service-template", port: 50051, rest: [] };
  const kept = snapshot();
  await expect(writeServiceEntries(root, notes)).rejects.toThrow("already lists the service notes");
  expect(snapshot()).toEqual(kept);
});

test("refuses one that only the last file lists, writing none", async () => {
  const root = copyRoot();
  const probe = { name: "probe-last", dir: "services/probe-last", port: 65003, rest: [] };
  const last = ENTRY_FILES.at(-1)?.path ?? "";
  const line = "# secrets/probe-last-db-password secrets/probe-last-database-url";
  await Bun.write(join(root, last), `${read(last)}${line}\n`);
  const kept = snapshot();
  await expect(writeServiceEntries(root, probe)).rejects.toThrow(`${last} already lists`);
  expect(snapshot()).toEqual(kept);
});
