// deploy/k8s lists exactly the services discovered from their package.json: a service added
// without its folder, its line or its REST_SERVICES entry fails here (deploy/k8s/README.md,
// "Adding a service"), and so does an entry left behind by a removed service.
import { expect, test } from "bun:test";
import { type K8sListing, k8sServiceProblems, readK8sListing } from "./k8s-services.ts";
import { SERVICES } from "./repo.ts";

const listing: K8sListing = await readK8sListing();

test("deploy/k8s lists exactly the discovered services", () => {
  expect(SERVICES.map((s) => s.name)).toContain("notes");
  expect(k8sServiceProblems(listing, SERVICES)).toEqual([]);
});

// A dashed name: the scaffolder never makes one, so no fork has this service already (a fork's
// `things` would hide the planted omissions below).
const probe = {
  name: "probe-k8s",
  dir: "services/probe-k8s",
  port: 65020,
  rest: ["trellis.probek8s.v1.ProbeK8sService"],
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
    services: [...SERVICES, { ...probe, packageName: "@trellis/probe-k8s" }],
    want: "deploy/k8s/base/services/ misses probe-k8s",
  },
  {
    name: "a new service not in the resources",
    edit: (l) => l,
    services: [...SERVICES, { ...probe, packageName: "@trellis/probe-k8s" }],
    want: "deploy/k8s/base/kustomization.yaml resources misses probe-k8s",
  },
  {
    name: "a new service's REST entry missing",
    edit: (l) => l,
    services: [...SERVICES, { ...probe, packageName: "@trellis/probe-k8s" }],
    want: "deploy/k8s/base/kustomization.yaml REST_SERVICES misses trellis.probek8s.v1.ProbeK8sService=probe-k8s:65020",
  },
  {
    name: "a new service's image missing from the production overlay",
    edit: (l) => l,
    services: [...SERVICES, { ...probe, packageName: "@trellis/probe-k8s" }],
    want: "deploy/k8s/overlays/production/kustomization.yaml images misses probe-k8s",
  },
  {
    name: "notes' image removed from the local overlay",
    edit: (l) => ({
      ...l,
      overlays: {
        ...l.overlays,
        local: l.overlays.local.replace(/^.*trellis-notes.*\n/m, ""),
      },
    }),
    want: "deploy/k8s/overlays/local/kustomization.yaml images misses notes",
  },
  {
    name: "an image left in the production overlay by a removed service",
    edit: (l) => ({
      ...l,
      overlays: {
        ...l.overlays,
        production: `${l.overlays.production}  - name: ghcr.io/trellis-dev/trellis-gone\n    newTag: "1.0.0"\n`,
      },
    }),
    want: "deploy/k8s/overlays/production/kustomization.yaml images names gone, which is no discovered service",
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
