// Broken copies of the rendered production overlay, for the tables that show each rule failing
// (k8s-rules.test.ts, k8s-network-rules.test.ts).
import { type K8sObject, renderOverlay } from "./k8s-render.ts";
import type { K8sRule } from "./k8s-workloads.ts";

/** The production overlay as it renders: each case breaks a deep copy of it. */
export const production = renderOverlay("production");

interface PodSpec {
  securityContext: Record<string, unknown>;
  containers: Record<string, unknown>[];
}

export function named(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) {
    throw new Error(`no ${kind}/${name} rendered`);
  }
  return found;
}

/** The pod spec of a workload, to break. */
export function podOf(objects: K8sObject[], kind: string, name: string): PodSpec {
  return (named(objects, kind, name).spec as { template: { spec: PodSpec } }).template.spec;
}

/** The first container of the Deployment `name`, to break. */
export function container(objects: K8sObject[], name: string): Record<string, unknown> {
  const [first] = podOf(objects, "Deployment", name).containers;
  if (first === undefined) {
    throw new Error(`Deployment/${name} has no container`);
  }
  return first;
}

export function securityOf(objects: K8sObject[], name: string): Record<string, unknown> {
  return container(objects, name).securityContext as Record<string, unknown>;
}

export function without(objects: K8sObject[], kind: string, name: string): K8sObject[] {
  return objects.filter((o) => !(o.kind === kind && o.metadata.name === name));
}

export type Case = {
  name: string;
  check: K8sRule;
  /** Breaks a deep copy of the rendered overlay in place, or returns a new list. */
  breakIt: (objects: K8sObject[]) => K8sObject[] | undefined;
  want: string;
};

/** Each case's check passes on the overlay and finds its error in the broken copy. */
export function brokenCopyProblems({ check, breakIt }: Case): string[] {
  const copy = structuredClone(production);
  return check(breakIt(copy) ?? copy);
}
