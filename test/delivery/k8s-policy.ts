// Every policy rule a rendered overlay is held to, in one list: the repository's own overlays
// (k8s-manifests.test.ts) and the ones a scaffolded service renders into
// (scripts/new-service/scaffold.test.ts) are checked against the same rules.
import {
  eachServiceReachesItsOwnDatabaseOnly,
  everyNamespaceDeniesByDefault,
  everyWorkloadHasANetworkPolicy,
} from "./k8s-network-rules.ts";
import type { K8sObject, Overlay } from "./k8s-render.ts";
import {
  everyContainerHasProbes,
  everyContainerHasRequestsAndLimits,
  everyContainerIsLockedDown,
  everyDeploymentHasADisruptionBudget,
  everyImageIsPinnedByDigest,
  everythingIsInTrellis,
  grpcServicesAreHeadless,
  noSecretHoldsData,
} from "./k8s-rules.ts";
import type { K8sRule } from "./k8s-workloads.ts";

/** The rules every overlay passes. */
export const K8S_RULES: { rule: string; check: K8sRule }[] = [
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
  { rule: "everything namespaced is in trellis", check: everythingIsInTrellis },
];

/** The rules `overlay` is held to: the production one pins every image by tag and digest too. */
export function rulesOf(overlay: Overlay): { rule: string; check: K8sRule }[] {
  return overlay === "production"
    ? [...K8S_RULES, { rule: "every image is pinned by digest", check: everyImageIsPinnedByDigest }]
    : K8S_RULES;
}

/** What any rule of `overlay` finds in `objects`, one line each. */
export function policyProblems(overlay: Overlay, objects: K8sObject[]): string[] {
  return rulesOf(overlay).flatMap(({ check }) => check(objects));
}
