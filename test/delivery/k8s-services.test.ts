// deploy/k8s lists exactly the services discovered from their package.json: a service added
// without its folder, its line or its REST_SERVICES entry fails here (deploy/k8s/README.md,
// "Adding a service"), and so does an entry left behind by a removed service.
import { expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { K8S_DIR, renderOverlay } from "./k8s-render.ts";
import { type K8sListing, k8sServiceProblems } from "./k8s-services.ts";
import { ROOT, readText, SERVICES } from "./repo.ts";

const listing: K8sListing = {
  kustomization: await readText(`${K8S_DIR}/base/kustomization.yaml`),
  folders: readdirSync(join(ROOT, K8S_DIR, "base/services")).sort(),
  objects: renderOverlay("production"),
};

test("deploy/k8s lists exactly the discovered services", () => {
  expect(SERVICES.map((s) => s.name)).toContain("notes");
  expect(k8sServiceProblems(listing, SERVICES)).toEqual([]);
});

const things = {
  name: "things",
  dir: "services/things",
  port: 50060,
  rest: ["trellis.things.v1.ThingService"],
};
const planted: {
  name: string;
  edit: (l: K8sListing) => K8sListing;
  services?: typeof SERVICES;
  want: string;
}[] = [
  {
    name: "a new service without its folder",
    edit: (l) => l,
    services: [...SERVICES, { ...things, packageName: "@trellis/things" }],
    want: "deploy/k8s/base/services/ misses things",
  },
  {
    name: "a new service not in the resources",
    edit: (l) => l,
    services: [...SERVICES, { ...things, packageName: "@trellis/things" }],
    want: "deploy/k8s/base/kustomization.yaml resources misses things",
  },
  {
    name: "a new service's REST entry missing",
    edit: (l) => l,
    services: [...SERVICES, { ...things, packageName: "@trellis/things" }],
    want: "deploy/k8s/base/kustomization.yaml REST_SERVICES misses trellis.things.v1.ThingService=things:50060",
  },
  {
    name: "a folder left by a removed service",
    edit: (l) => ({ ...l, folders: [...l.folders, "gone"] }),
    want: "deploy/k8s/base/services/ names gone, which is no discovered service",
  },
  {
    name: "notes' REST entry removed",
    edit: (l) => ({
      ...l,
      kustomization: l.kustomization.replace(
        "REST_SERVICES=trellis.notes.v1.NotesService=notes:50051",
        "REST_SERVICES=",
      ),
    }),
    want: "deploy/k8s/base/kustomization.yaml REST_SERVICES misses trellis.notes.v1.NotesService=notes:50051",
  },
  {
    name: "notes' line removed from the resources",
    edit: (l) => ({ ...l, kustomization: l.kustomization.replace("  - services/notes\n", "") }),
    want: "deploy/k8s/base/kustomization.yaml resources misses notes",
  },
  {
    name: "a service listening on another port than its package.json's",
    edit: (l) => ({
      ...l,
      objects: l.objects.map((o) =>
        o.kind === "Service" && o.metadata.name === "identity"
          ? { ...o, spec: { ...(o.spec as object), ports: [{ port: 50099 }] } }
          : o,
      ),
    }),
    want: "Service/identity does not forward 50052",
  },
];

test.each(planted)("$name is found", ({ edit, services, want }) => {
  expect(k8sServiceProblems(edit(listing), services ?? SERVICES)).toContain(want);
});
