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

/**
 * The services a workflow names in its YAML (comments and options' names aside): each name as a
 * word, each folder as written. A workflow that lists services needs an edit for every new one;
 * the workflows ask scripts/services/list.ts instead. Returned as `<name or folder> (line n)`.
 */
export function servicesNamed(
  workflowText: string,
  services: readonly { name: string; dir: string }[],
): string[] {
  const patterns = services.flatMap(({ name, dir }) => [
    { what: name, pattern: new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(name)}(?![A-Za-z0-9_])`) },
    { what: dir, pattern: new RegExp(escapeRegExp(dir)) },
  ]);
  return workflowText.split("\n").flatMap((line, index) => {
    // Comments aside, and a command's long options (`--certificate-identity-regexp`): an
    // option's name is no service, its value still counts.
    const code = line.replace(/(^|\s)#.*$/, "").replace(/(^|\s)--[a-z0-9-]+/g, "$1");
    return patterns
      .filter(({ pattern }) => pattern.test(code))
      .map(({ what }) => `${what} (line ${index + 1})`);
  });
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * What is wrong with a .trivyignore (nothing: []): each entry (a line that is no comment) needs
 * Trivy's expiry, `exp:YYYY-MM-DD`, and a comment line right above it or above the entries it
 * groups, giving the reason. Returned as `<entry> (line n): <problem>`.
 */
export function trivyIgnoreProblems(text: string): string[] {
  const lines = text.split("\n");
  return lines.flatMap((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) {
      return [];
    }
    const where = `${line} (line ${index + 1})`;
    const problems: string[] = [];
    if (!/^\S+\s+exp:\d{4}-\d{2}-\d{2}$/.test(line)) {
      problems.push(`${where}: no expiry date (exp:YYYY-MM-DD)`);
    }
    let above = index - 1;
    while (above >= 0 && /^\S+\s+exp:/.test(lines[above]?.trim() ?? "")) {
      above -= 1;
    }
    if (above < 0 || !(lines[above]?.trim() ?? "").startsWith("#")) {
      problems.push(`${where}: no comment above it giving the reason`);
    }
    return problems;
  });
}
