import { Certificate } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate";
import { ClusterIssuer } from "@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer";
import { IngressRoute } from "@kubernetes-models/traefik/traefik.io/v1alpha1/IngressRoute";
import { Middleware } from "@kubernetes-models/traefik/traefik.io/v1alpha1/Middleware";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { Job } from "kubernetes-models/batch/v1/Job";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import type { K8sObject } from "./k8s-render.ts";

// What each model class offers: its constructor and validate(), which throws what the schema refuses.
type ModelClass = new (data: never) => { validate(): void };

// Every apiVersion/kind the manifests may use, each with the schema it is checked against: the
// Kubernetes API's (kubernetes-models, pinned in package.json) and the CRDs' of Traefik and
// cert-manager (@kubernetes-models/traefik, /cert-manager). A kind not listed is an error, so
// nothing reaches a cluster unchecked; add its model here when a manifest needs a new kind.
const MODELS: Record<string, ModelClass> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "batch/v1/Job": Job,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "traefik.io/v1alpha1/IngressRoute": IngressRoute,
  "traefik.io/v1alpha1/Middleware": Middleware,
  "cert-manager.io/v1/Certificate": Certificate,
  "cert-manager.io/v1/ClusterIssuer": ClusterIssuer,
};

/** What the pinned schemas refuse in `objects`, one line per object: "Kind/name: problem". */
export function schemaErrors(objects: K8sObject[]): string[] {
  return objects.flatMap((object) => {
    const where = `${object.kind}/${object.metadata?.name ?? "?"}`;
    const model = MODELS[`${object.apiVersion}/${object.kind}`];
    if (model === undefined) {
      return [`${where}: no schema for ${object.apiVersion} ${object.kind}`];
    }
    try {
      new model(object as never).validate();
      return [];
    } catch (error) {
      return [`${where}: ${error instanceof Error ? error.message : String(error)}`];
    }
  });
}
