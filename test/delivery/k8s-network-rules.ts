// Policy rules over the NetworkPolicies of rendered manifests. Each is shown failing in
// k8s-network-rules.test.ts.
import {
  isClusterWide,
  type K8sRule,
  type Selector,
  unselectedWorkloads,
  workloads,
} from "./k8s-workloads.ts";

/**
 * Every workload has a NetworkPolicy of its own selecting its pods (the namespace's default deny,
 * which selects every pod, does not count): what it may reach and what may reach it is written.
 */
export const everyWorkloadHasANetworkPolicy: K8sRule = (objects) =>
  unselectedWorkloads(
    objects,
    "NetworkPolicy",
    (spec) => spec.podSelector as Selector | undefined,
  ).map(({ where }) => `${where} has no NetworkPolicy selecting its pods`);

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
