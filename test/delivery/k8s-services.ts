import { parse } from "yaml";
import { type EntryService, restEntries } from "../../scripts/services/entries/names.ts";
import type { K8sObject } from "./k8s-render.ts";

/** What deploy/k8s says about services: the base's kustomization, its folders, what renders. */
export interface K8sListing {
  /** deploy/k8s/base/kustomization.yaml, as text. */
  kustomization: string;
  /** The folders under deploy/k8s/base/services. */
  folders: string[];
  /** An overlay, rendered. */
  objects: K8sObject[];
}

interface Kustomization {
  resources?: string[];
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
 * Every discovered service has its folder, its line in the base's resources and its
 * REST_SERVICES entries, and listens on its port; nothing names a service that is gone.
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
    ...services.flatMap((service) => portProblems(listing.objects, service)),
  ];
}
