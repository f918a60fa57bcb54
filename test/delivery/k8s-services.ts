import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { type EntryService, restEntries } from "../../scripts/services/entries/names.ts";
import { K8S_DIR, type K8sObject, OVERLAYS, type Overlay, renderOverlay } from "./k8s-render.ts";
import { ROOT } from "./repo.ts";

/** What deploy/k8s says about services: the base's kustomization, its folders, what renders. */
export interface K8sListing {
  /** deploy/k8s/base/kustomization.yaml, as text. */
  kustomization: string;
  /** The folders under deploy/k8s/base/services. */
  folders: string[];
  /** An overlay, rendered. */
  objects: K8sObject[];
  /** Each overlay's kustomization.yaml, as text, by overlay. */
  overlays: Record<Overlay, string>;
}

/** What deploy/k8s under `root` says about services, its production overlay rendered. */
export async function readK8sListing(root = ROOT): Promise<K8sListing> {
  const read = (path: string) => Bun.file(join(root, K8S_DIR, path)).text();
  const overlays = await Promise.all(
    OVERLAYS.map(async (o) => [o, await read(`overlays/${o}/kustomization.yaml`)] as const),
  );
  return {
    kustomization: await read("base/kustomization.yaml"),
    folders: readdirSync(join(root, K8S_DIR, "base/services")).sort(),
    objects: renderOverlay("production", root),
    overlays: Object.fromEntries(overlays) as Record<Overlay, string>,
  };
}

interface Kustomization {
  resources?: string[];
  images?: { name?: string }[];
  configMapGenerator?: { name: string; literals?: string[] }[];
}

function compared(where: string, listed: string[], wanted: string[]): string[] {
  return [
    ...wanted.filter((n) => !listed.includes(n)).map((n) => `${where} misses ${n}`),
    ...listed
      .filter((n) => !wanted.includes(n))
      .map((n) => `${where} names ${n}, which is no discovered service`),
  ];
}

/** The gateway's REST_SERVICES, as the base's gateway-routes generator sets it. */
function restServices(kustomization: Kustomization): string[] {
  const routes = kustomization.configMapGenerator?.find((g) => g.name === "gateway-routes");
  const literal = routes?.literals?.find((l) => l.startsWith("REST_SERVICES=")) ?? "";
  return literal
    .slice("REST_SERVICES=".length)
    .split(",")
    .filter((entry) => entry !== "");
}

/**
 * The services an overlay sets an image for (`ghcr.io/<owner>/trellis-<name>`): its local build
 * by tag, or its release by tag@digest, which pin-image.sh rewrites and cannot add.
 */
function overlayImages(text: string): string[] {
  const images = (parse(text) as Kustomization).images ?? [];
  return images.flatMap(
    ({ name = "" }) => /^ghcr\.io\/[^/]+\/trellis-([a-z][a-z0-9-]*)$/.exec(name)?.[1] ?? [],
  );
}

/** Each service's Deployment listens on its port, and its Service forwards that port. */
function portProblems(objects: K8sObject[], service: EntryService): string[] {
  const find = (kind: string) =>
    objects.find((o) => o.kind === kind && o.metadata.name === service.name)?.spec as
      | Record<string, never>
      | undefined;
  const deployment = find("Deployment") as
    | { template: { spec: { containers: { ports?: { containerPort: number }[] }[] } } }
    | undefined;
  const svc = find("Service") as { ports?: { port: number }[] } | undefined;
  const listens = deployment?.template.spec.containers[0]?.ports?.[0]?.containerPort;
  const forwards = svc?.ports?.[0]?.port;
  return [
    ...(listens === service.port
      ? []
      : [`Deployment/${service.name} does not listen on ${service.port}`]),
    ...(forwards === service.port
      ? []
      : [`Service/${service.name} does not forward ${service.port}`]),
  ];
}

/**
 * Every discovered service has its folder, its line in the base's resources, its REST_SERVICES
 * entries and its image in each overlay, and listens on its port; nothing names a service that is
 * gone.
 */
export function k8sServiceProblems(listing: K8sListing, services: EntryService[]): string[] {
  const kustomization = parse(listing.kustomization) as Kustomization;
  const names = services.map((s) => s.name);
  const listed = (kustomization.resources ?? [])
    .filter((r) => r.startsWith("services/"))
    .map((r) => r.slice("services/".length));
  const where = "deploy/k8s/base";
  return [
    ...compared(`${where}/services/`, listing.folders, names),
    ...compared(`${where}/kustomization.yaml resources`, listed, names),
    ...compared(
      `${where}/kustomization.yaml REST_SERVICES`,
      restServices(kustomization),
      services.flatMap(restEntries),
    ),
    ...Object.entries(listing.overlays).flatMap(([overlay, text]) =>
      compared(
        `deploy/k8s/overlays/${overlay}/kustomization.yaml images`,
        overlayImages(text).filter((name) => name !== "gateway"),
        names,
      ),
    ),
    ...services.flatMap((service) => portProblems(listing.objects, service)),
  ];
}
