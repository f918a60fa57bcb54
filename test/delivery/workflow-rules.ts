import { parse } from "yaml";

/** A `uses:` that names a commit: owner/repo[/path]@<40 hex>. */
const PINNED_USES = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;

/**
 * Every `uses:` in a workflow (job-level reusable workflows and step actions) that is not pinned
 * to a full commit SHA. Local actions (`./...`) and `docker://...@sha256:` images are fine.
 */
export function unpinnedUses(workflowText: string): string[] {
  const workflow: unknown = parse(workflowText);
  return usesValues(workflow).filter(
    (uses) =>
      !uses.startsWith("./") && !PINNED_USES.test(uses) && !/^docker:\/\/.+@sha256:/.test(uses),
  );
}

function usesValues(node: unknown): string[] {
  if (Array.isArray(node)) {
    return node.flatMap(usesValues);
  }
  if (node === null || typeof node !== "object") {
    return [];
  }
  return Object.entries(node).flatMap(([key, value]) =>
    key === "uses" && typeof value === "string" ? [value] : usesValues(value),
  );
}

/** A pinned `uses:` should say which release it is: `@<sha> # v1.2.3`. */
export function usesWithoutVersionComment(workflowText: string): string[] {
  return workflowText
    .split("\n")
    .filter((line) => /\buses:\s*[^\s#]+@[0-9a-f]{40}/.test(line))
    .filter((line) => !/#\s*v\d+(\.\d+)*/.test(line))
    .map((line) => line.trim());
}
