import type { K8sObject } from "./k8s-render.ts";

/** A rule over the objects an overlay renders: the problems it finds, one line each. */
export type K8sRule = (objects: K8sObject[]) => string[];

interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type?: string };
}

interface Container {
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

interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec?: {
    containers?: Container[];
    initContainers?: Container[];
    securityContext?: SecurityContext;
  };
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };

/** A workload: a kind that runs pods from a template, with its pods' labels. */
interface Workload {
  where: string;
  object: K8sObject;
  template: PodTemplate;
}

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job"]);
const PINNED = /^[^\s@]+:[^\s@/]+@sha256:[0-9a-f]{64}$/;

function workloads(objects: K8sObject[]): Workload[] {
  return objects
    .filter((object) => WORKLOADS.has(object.kind))
    .map((object) => ({
      where: `${object.kind}/${object.metadata.name}`,
      object,
      template: ((object.spec as { template?: PodTemplate } | undefined)?.template ??
        {}) as PodTemplate,
    }));
}

function containersOf(workload: Workload): Container[] {
  const spec = workload.template.spec ?? {};
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

/** Each container of each workload, named "Kind/name container". */
function eachContainer(
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
function selects(selector: Selector | undefined, labels: Record<string, string>): boolean {
  const wanted = Object.entries(selector?.matchLabels ?? {});
  const expressions = selector?.matchExpressions ?? [];
  return wanted.length > 0 && expressions.length === 0 && wanted.every(([k, v]) => labels[k] === v);
}

/** Namespaces and Cluster* kinds (ClusterIssuer, ClusterRole, ...) belong to no namespace. */
export function isClusterWide(object: K8sObject): boolean {
  return object.kind === "Namespace" || object.kind.startsWith("Cluster");
}

function sameNamespace(a: K8sObject, b: K8sObject): boolean {
  return (a.metadata.namespace ?? "") === (b.metadata.namespace ?? "");
}

/** Every container asks for CPU and memory and is capped on both: the scheduler and the OOM killer. */
export const everyContainerHasRequestsAndLimits: K8sRule = (objects) =>
  eachContainer(objects, ({ resources = {} }) =>
    (["requests", "limits"] as const).flatMap((kind) =>
      (["cpu", "memory"] as const)
        .filter((resource) => resources[kind]?.[resource] === undefined)
        .map((resource) => `no ${resource} ${kind === "requests" ? "request" : "limit"}`),
    ),
  );

/** Every long-running container says when it is alive and when it may take traffic. */
export const everyContainerHasProbes: K8sRule = (objects) =>
  eachContainer(objects, (container, workload) =>
    workload.object.kind === "Job" || workload.template.spec?.initContainers?.includes(container)
      ? []
      : [
          ...(container.livenessProbe === undefined ? ["no livenessProbe"] : []),
          ...(container.readinessProbe === undefined ? ["no readinessProbe"] : []),
        ],
  );

/**
 * Every container runs as a non-root user, cannot gain privileges, has a read-only root
 * filesystem, no capability and the runtime's seccomp profile (the container's setting, else the
 * pod's): Pod Security's "restricted" level, plus the read-only root.
 */
export const everyContainerIsLockedDown: K8sRule = (objects) =>
  eachContainer(objects, (container, workload) => {
    const own = container.securityContext ?? {};
    const pod = workload.template.spec?.securityContext ?? {};
    const problems: string[] = [];
    if ((own.runAsNonRoot ?? pod.runAsNonRoot) !== true) {
      problems.push("runAsNonRoot is not true");
    }
    if ((own.runAsUser ?? pod.runAsUser) === 0) {
      problems.push("runs as user 0");
    }
    if (own.allowPrivilegeEscalation !== false) {
      problems.push("allowPrivilegeEscalation is not false");
    }
    if (own.readOnlyRootFilesystem !== true) {
      problems.push("readOnlyRootFilesystem is not true");
    }
    if (
      !(own.capabilities?.drop ?? []).includes("ALL") ||
      (own.capabilities?.add ?? []).length > 0
    ) {
      problems.push("capabilities do not drop ALL (and add none)");
    }
    if ((own.seccompProfile?.type ?? pod.seccompProfile?.type) !== "RuntimeDefault") {
      problems.push("seccompProfile is not RuntimeDefault");
    }
    return problems;
  });

/** Every image is `name:tag@sha256:<digest>`: the tag for people, the digest for what runs. */
export const everyImageIsPinnedByDigest: K8sRule = (objects) =>
  eachContainer(objects, ({ image = "" }) =>
    PINNED.test(image) ? [] : [`image "${image}" is not tag@sha256:<digest>`],
  );

/** Every Deployment has a PodDisruptionBudget selecting its pods: a drain never takes them all. */
export const everyDeploymentHasADisruptionBudget: K8sRule = (objects) => {
  const budgets = objects.filter((object) => object.kind === "PodDisruptionBudget");
  return workloads(objects)
    .filter(({ object }) => object.kind === "Deployment")
    .filter(
      ({ object, template }) =>
        !budgets.some(
          (budget) =>
            sameNamespace(budget, object) &&
            selects(
              (budget.spec as { selector?: Selector }).selector,
              template.metadata?.labels ?? {},
            ),
        ),
    )
    .map(({ where }) => `${where} has no PodDisruptionBudget selecting its pods`);
};

/**
 * Every workload has a NetworkPolicy of its own selecting its pods (the namespace's default deny,
 * which selects every pod, does not count): what it may reach and what may reach it is written.
 */
export const everyWorkloadHasANetworkPolicy: K8sRule = (objects) => {
  const policies = objects.filter((object) => object.kind === "NetworkPolicy");
  return workloads(objects)
    .filter(
      ({ object, template }) =>
        !policies.some(
          (policy) =>
            sameNamespace(policy, object) &&
            selects(
              (policy.spec as { podSelector?: Selector }).podSelector,
              template.metadata?.labels ?? {},
            ),
        ),
    )
    .map(({ where }) => `${where} has no NetworkPolicy selecting its pods`);
};

/** Each namespace denies all traffic that no policy allows, both ways. */
export const everyNamespaceDeniesByDefault: K8sRule = (objects) => {
  const namespaces = new Set(
    objects.filter((o) => !isClusterWide(o)).map((o) => o.metadata.namespace ?? ""),
  );
  const denying = objects.filter((object) => {
    const spec = object.spec as {
      podSelector?: Selector;
      policyTypes?: string[];
      ingress?: unknown[];
      egress?: unknown[];
    };
    return (
      object.kind === "NetworkPolicy" &&
      Object.keys(spec.podSelector?.matchLabels ?? {}).length === 0 &&
      (spec.podSelector?.matchExpressions ?? []).length === 0 &&
      ["Ingress", "Egress"].every((type) => spec.policyTypes?.includes(type)) &&
      (spec.ingress ?? []).length === 0 &&
      (spec.egress ?? []).length === 0
    );
  });
  return [...namespaces]
    .filter(
      (namespace) => !denying.some((policy) => (policy.metadata.namespace ?? "") === namespace),
    )
    .map((namespace) => `namespace "${namespace}" has no default-deny NetworkPolicy`);
};

/** No Secret carries a value: secrets are made in the cluster by hand, never committed. */
export const noSecretHoldsData: K8sRule = (objects) =>
  objects
    .filter((object) => object.kind === "Secret")
    .filter(
      (object) =>
        Object.keys({ ...(object.data as object), ...(object.stringData as object) }).length > 0,
    )
    .map((object) => `Secret/${object.metadata.name} holds data`);

/**
 * A gRPC Service is headless: its name resolves to every ready pod, so the client balances
 * across them (a ClusterIP would pin each HTTP/2 connection to one pod).
 */
export const grpcServicesAreHeadless: K8sRule = (objects) =>
  objects
    .filter((object) => object.kind === "Service")
    .filter((object) => {
      const spec = object.spec as {
        clusterIP?: string;
        ports?: { name?: string; appProtocol?: string }[];
      };
      const grpc = (spec.ports ?? []).some((p) => p.appProtocol === "grpc" || p.name === "grpc");
      return grpc && spec.clusterIP !== "None";
    })
    .map((object) => `Service/${object.metadata.name} serves gRPC but is not headless`);

interface Peer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: unknown;
}

interface PolicySpec {
  podSelector?: Selector;
  ingress?: { from?: Peer[] }[];
  egress?: { to?: Peer[] }[];
}

const NAME = "app.kubernetes.io/name";

/** A peer's pod name label when it names pods of this namespace only, else a description. */
function peerName(peer: Peer): string {
  const name = peer.podSelector?.matchLabels?.[NAME];
  return peer.ipBlock === undefined && peer.namespaceSelector === undefined && name !== undefined
    ? name
    : "pods outside this namespace or addresses";
}

/**
 * Each gRPC service (pods labelled trellis.dev/tier: service) reaches its own database and no
 * other, and each database (`<service>-postgres`) is reached from its service alone: a policy
 * allowing all (no `to`/`from`), addresses, or another's database is found.
 */
export const eachServiceReachesItsOwnDatabaseOnly: K8sRule = (objects) => {
  const services = workloads(objects)
    .filter(({ template }) => template.metadata?.labels?.["trellis.dev/tier"] === "service")
    .map(({ object }) => object.metadata.name);
  const policies = objects.filter((o) => o.kind === "NetworkPolicy");
  const policyOf = (pods: string) =>
    policies.filter((p) => (p.spec as PolicySpec).podSelector?.matchLabels?.[NAME] === pods);
  return services.flatMap((service) => [
    ...policyOf(service).flatMap((policy) =>
      ((policy.spec as PolicySpec).egress ?? []).flatMap(({ to }) =>
        (to ?? [{ ipBlock: "any" }])
          .map(peerName)
          .filter((peer) => peer.endsWith("-postgres") || peer.startsWith("pods outside"))
          .filter((peer) => peer !== `${service}-postgres`)
          .map((peer) => `NetworkPolicy/${policy.metadata.name} lets ${service} reach ${peer}`),
      ),
    ),
    ...policyOf(`${service}-postgres`).flatMap((policy) =>
      ((policy.spec as PolicySpec).ingress ?? []).flatMap(({ from }) =>
        (from ?? [{ ipBlock: "any" }])
          .map(peerName)
          .filter((peer) => peer !== service)
          .map(
            (peer) =>
              `NetworkPolicy/${policy.metadata.name} lets ${peer} reach ${service}-postgres`,
          ),
      ),
    ),
  ]);
};
