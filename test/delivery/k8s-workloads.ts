// What the k8s rules read of rendered objects: workloads, their pod templates and containers,
// and label selectors.
import type { K8sObject } from "./k8s-render.ts";

/** A rule over the objects an overlay renders: the problems it finds, one line each. */
export type K8sRule = (objects: K8sObject[]) => string[];

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type?: string };
}

export interface Container {
  name: string;
  image?: string;
  resources?: {
    requests?: { cpu?: unknown; memory?: unknown };
    limits?: { cpu?: unknown; memory?: unknown };
  };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  securityContext?: SecurityContext;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec?: {
    containers?: Container[];
    initContainers?: Container[];
    securityContext?: SecurityContext;
  };
}

export type Selector = { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };

/** A workload: a kind that runs pods from a template, with its pods' labels. */
export interface Workload {
  where: string;
  object: K8sObject;
  template: PodTemplate;
}

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job"]);

export function workloads(objects: K8sObject[]): Workload[] {
  return objects
    .filter((object) => WORKLOADS.has(object.kind))
    .map((object) => ({
      where: `${object.kind}/${object.metadata.name}`,
      object,
      template: ((object.spec as { template?: PodTemplate } | undefined)?.template ??
        {}) as PodTemplate,
    }));
}

export function containersOf(workload: Workload): Container[] {
  const spec = workload.template.spec ?? {};
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

/** Each container of each workload, named "Kind/name container". */
export function eachContainer(
  objects: K8sObject[],
  check: (container: Container, workload: Workload) => string[],
): string[] {
  return workloads(objects).flatMap((workload) =>
    containersOf(workload).flatMap((container) =>
      check(container, workload).map(
        (problem) => `${workload.where} ${container.name}: ${problem}`,
      ),
    ),
  );
}

/** True when `selector` picks pods labelled `labels`; an empty or expression selector never does. */
export function selects(selector: Selector | undefined, labels: Record<string, string>): boolean {
  const wanted = Object.entries(selector?.matchLabels ?? {});
  const expressions = selector?.matchExpressions ?? [];
  return wanted.length > 0 && expressions.length === 0 && wanted.every(([k, v]) => labels[k] === v);
}

/** Namespaces and Cluster* kinds (ClusterIssuer, ClusterRole, ...) belong to no namespace. */
export function isClusterWide(object: K8sObject): boolean {
  return object.kind === "Namespace" || object.kind.startsWith("Cluster");
}

export function sameNamespace(a: K8sObject, b: K8sObject): boolean {
  return (a.metadata.namespace ?? "") === (b.metadata.namespace ?? "");
}

/**
 * The workloads (of `kinds`, default all) that no object of `kind` in their namespace selects by
 * its pods' labels: `selectorOf` reads the selecting object's selector.
 */
export function unselectedWorkloads(
  objects: K8sObject[],
  kind: string,
  selectorOf: (spec: Record<string, unknown>) => Selector | undefined,
  kinds?: string[],
): Workload[] {
  const selecting = objects.filter((object) => object.kind === kind);
  return workloads(objects)
    .filter(({ object }) => kinds === undefined || kinds.includes(object.kind))
    .filter(
      ({ object, template }) =>
        !selecting.some(
          (other) =>
            sameNamespace(other, object) &&
            selects(
              selectorOf(other.spec as Record<string, unknown>),
              template.metadata?.labels ?? {},
            ),
        ),
    );
}
