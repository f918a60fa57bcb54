// Each rule of k8s-rules.ts and the schema check, shown failing: a broken copy of the rendered
// production overlay per row, each expected to produce its rule's error.
import { expect, test } from "bun:test";
import {
  brokenCopyProblems,
  type Case,
  container,
  named,
  podOf,
  production,
  securityOf,
  without,
} from "./k8s-broken.ts";
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
import { schemaErrors } from "./k8s-schema.ts";

const cases: Case[] = [
  {
    name: "a container without a memory limit",
    check: everyContainerHasRequestsAndLimits,
    breakIt: (o) => {
      delete (container(o, "notes").resources as { limits: { memory?: string } }).limits.memory;
      return undefined;
    },
    want: "Deployment/notes notes: no memory limit",
  },
  {
    name: "a container without requests",
    check: everyContainerHasRequestsAndLimits,
    breakIt: (o) => {
      delete (container(o, "gateway").resources as { requests?: unknown }).requests;
      return undefined;
    },
    want: "Deployment/gateway gateway: no cpu request",
  },
  {
    name: "a container without a readiness probe",
    check: everyContainerHasProbes,
    breakIt: (o) => {
      delete container(o, "identity").readinessProbe;
      return undefined;
    },
    want: "Deployment/identity identity: no readinessProbe",
  },
  {
    name: "a container without a liveness probe",
    check: everyContainerHasProbes,
    breakIt: (o) => {
      delete container(o, "gateway").livenessProbe;
      return undefined;
    },
    want: "Deployment/gateway gateway: no livenessProbe",
  },
  {
    name: "a pod that may run as root",
    check: everyContainerIsLockedDown,
    breakIt: (o) => {
      delete securityOf(o, "notes").runAsNonRoot;
      delete podOf(o, "Deployment", "notes").securityContext.runAsNonRoot;
      return undefined;
    },
    want: "Deployment/notes notes: runAsNonRoot is not true",
  },
  {
    name: "a container that runs as user 0",
    check: everyContainerIsLockedDown,
    breakIt: (o) => {
      securityOf(o, "notes").runAsUser = 0;
      return undefined;
    },
    want: "Deployment/notes notes: runs as user 0",
  },
  {
    name: "a container that may escalate",
    check: everyContainerIsLockedDown,
    breakIt: (o) => {
      securityOf(o, "gateway").allowPrivilegeEscalation = true;
      return undefined;
    },
    want: "Deployment/gateway gateway: allowPrivilegeEscalation is not false",
  },
  {
    name: "a writable root filesystem",
    check: everyContainerIsLockedDown,
    breakIt: (o) => {
      delete securityOf(o, "jaeger").readOnlyRootFilesystem;
      return undefined;
    },
    want: "Deployment/jaeger jaeger: readOnlyRootFilesystem is not true",
  },
  {
    name: "a capability kept",
    check: everyContainerIsLockedDown,
    breakIt: (o) => {
      securityOf(o, "notes").capabilities = { drop: ["ALL"], add: ["NET_ADMIN"] };
      return undefined;
    },
    want: "Deployment/notes notes: capabilities do not drop ALL (and add none)",
  },
  {
    name: "no seccomp profile on the container or the pod",
    check: everyContainerIsLockedDown,
    breakIt: (o) => {
      delete securityOf(o, "otel-collector").seccompProfile;
      delete podOf(o, "Deployment", "otel-collector").securityContext.seccompProfile;
      return undefined;
    },
    want: "Deployment/otel-collector otel-collector: seccompProfile is not RuntimeDefault",
  },
  {
    name: "a tag-only image",
    check: everyImageIsPinnedByDigest,
    breakIt: (o) => {
      container(o, "notes").image = "ghcr.io/trellis-dev/trellis-notes:1.2.0";
      return undefined;
    },
    want: 'Deployment/notes notes: image "ghcr.io/trellis-dev/trellis-notes:1.2.0" is not tag@sha256:<digest>',
  },
  {
    name: "a digest-only image (no tag for people)",
    check: everyImageIsPinnedByDigest,
    breakIt: (o) => {
      podOf(o, "StatefulSet", "notes-postgres").containers[0] = {
        ...podOf(o, "StatefulSet", "notes-postgres").containers[0],
        image: `postgres@sha256:${"a".repeat(64)}`,
      };
      return undefined;
    },
    want: `StatefulSet/notes-postgres postgres: image "postgres@sha256:${"a".repeat(64)}" is not tag@sha256:<digest>`,
  },
  {
    name: "a Deployment without its PodDisruptionBudget",
    check: everyDeploymentHasADisruptionBudget,
    breakIt: (o) => without(o, "PodDisruptionBudget", "identity"),
    want: "Deployment/identity has no PodDisruptionBudget selecting its pods",
  },
  {
    name: "a PodDisruptionBudget selecting other pods",
    check: everyDeploymentHasADisruptionBudget,
    breakIt: (o) => {
      const spec = named(o, "PodDisruptionBudget", "gateway").spec as { selector: unknown };
      spec.selector = { matchLabels: { "app.kubernetes.io/name": "gateway-old" } };
      return undefined;
    },
    want: "Deployment/gateway has no PodDisruptionBudget selecting its pods",
  },
  {
    name: "a committed Secret",
    check: noSecretHoldsData,
    breakIt: (o) => [
      ...o,
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "notes-database", namespace: "trellis" },
        stringData: { url: "postgres://notes:hunter2@notes-postgres/notes" },
      },
    ],
    want: "Secret/notes-database holds data",
  },
  {
    name: "a gRPC Service with a cluster IP",
    check: grpcServicesAreHeadless,
    breakIt: (o) => {
      delete (named(o, "Service", "identity").spec as { clusterIP?: string }).clusterIP;
      return undefined;
    },
    want: "Service/identity serves gRPC but is not headless",
  },
  {
    name: "a field of the wrong type (schema)",
    check: schemaErrors,
    breakIt: (o) => {
      (named(o, "Deployment", "gateway").spec as { replicas: unknown }).replicas = "two";
      return undefined;
    },
    want: "Deployment/gateway: data/spec/replicas must be integer",
  },
  {
    name: "a gRPC probe without its port (schema)",
    check: schemaErrors,
    breakIt: (o) => {
      container(o, "notes").livenessProbe = { grpc: {} };
      return undefined;
    },
    want: "Deployment/notes: data/spec/template/spec/containers/0/livenessProbe/grpc must have required property port",
  },
  {
    name: "an IngressRoute route without its match (CRD schema)",
    check: schemaErrors,
    breakIt: (o) => {
      const spec = named(o, "IngressRoute", "gateway").spec as {
        routes: Record<string, unknown>[];
      };
      delete spec.routes[0]?.match;
      return undefined;
    },
    want: "IngressRoute/gateway: data/spec/routes/0 must have required property match",
  },
  {
    name: "a Service in another namespace",
    check: everythingIsInTrellis,
    breakIt: (o) => {
      named(o, "Service", "notes").metadata.namespace = "default";
      return undefined;
    },
    want: "Service/notes is not in namespace trellis",
  },
  {
    name: "a Certificate without its issuer (CRD schema)",
    check: schemaErrors,
    breakIt: (o) => {
      delete (named(o, "Certificate", "trellis-tls").spec as { issuerRef?: unknown }).issuerRef;
      return undefined;
    },
    want: "Certificate/trellis-tls: data/spec must have required property issuerRef",
  },
  {
    name: "a kind with no pinned schema",
    check: schemaErrors,
    breakIt: (o) => [
      ...o,
      { apiVersion: "v1", kind: "ReplicationController", metadata: { name: "old" } },
    ],
    want: "ReplicationController/old: no schema for v1 ReplicationController",
  },
];

test("the rendered production overlay breaks none of them", () => {
  for (const { check } of cases) {
    expect(check(production)).toEqual([]);
  }
});

test.each(cases)("$name is found", (row) => {
  expect(brokenCopyProblems(row)).toContain(row.want);
});
