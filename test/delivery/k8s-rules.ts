// Policy rules over rendered manifests: containers (resources, probes, lockdown, pinned images),
// disruption budgets, Secrets, gRPC Services and the namespace. Each is shown failing in
// k8s-rules.test.ts.
import {
  eachContainer,
  isClusterWide,
  type K8sRule,
  type Selector,
  sameNamespace,
  selects,
  workloads,
} from "./k8s-workloads.ts";

const PINNED = /^[^\s@]+:[^\s@/]+@sha256:[0-9a-f]{64}$/;

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

/** Everything that belongs to a namespace is in trellis, where its policies and Pod Security hold. */
export const everythingIsInTrellis: K8sRule = (objects) =>
  objects
    .filter((object) => !isClusterWide(object) && object.metadata.namespace !== "trellis")
    .map((object) => `${object.kind}/${object.metadata.name} is not in namespace trellis`);
