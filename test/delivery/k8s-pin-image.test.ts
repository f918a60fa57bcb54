// deploy/k8s/pin-image.sh, which pins a release in the production overlay, run on a copy of
// deploy/k8s: the rendered Deployment then runs the new tag@digest; a tag-only pin made by hand
// is refused by the digest rule once rendered; malformed input changes nothing.
import { expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { K8S_DIR, type K8sObject, RENDER_TIMEOUT_MS, renderOverlay } from "./k8s-render.ts";
import { everyImageIsPinnedByDigest } from "./k8s-rules.ts";
import { ROOT } from "./repo.ts";

const DIGEST = `sha256:${"1".repeat(64)}`;

/** A copy of the repository's deploy/k8s in a temporary root, removed after `use`. */
function withCopy(use: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), "k8s-pin-"));
  try {
    cpSync(join(ROOT, K8S_DIR), join(root, K8S_DIR), { recursive: true });
    use(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function pin(root: string, args: readonly string[]): { exitCode: number; stderr: string } {
  const result = Bun.spawnSync(["sh", join(root, K8S_DIR, "pin-image.sh"), ...args], {
    stderr: "pipe",
  });
  return { exitCode: result.exitCode, stderr: result.stderr.toString() };
}

function imageOf(objects: K8sObject[], name: string): string | undefined {
  const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === name);
  return (deployment?.spec as { template: { spec: { containers: { image: string }[] } } })?.template
    .spec.containers[0]?.image;
}

const kustomization = (root: string): string =>
  join(root, K8S_DIR, "overlays/production/kustomization.yaml");

// 1.10 as a YAML number would be 1.1: the tag is written quoted.
test.each(["1.2.0", "1.10"])(
  "pin-image.sh pins release %s: the Deployment runs its tag@digest",
  (version) => {
    withCopy((root) => {
      expect(pin(root, ["notes", version, DIGEST]).exitCode).toBe(0);
      const objects = renderOverlay("production", root);
      expect(imageOf(objects, "notes")).toBe(
        `ghcr.io/trellis-dev/trellis-notes:${version}@${DIGEST}`,
      );
      expect(imageOf(objects, "identity")).toEndWith(`:0.1.0@sha256:${"0".repeat(64)}`);
    });
  },
  RENDER_TIMEOUT_MS,
);

test.each([
  {
    name: "an unknown service",
    args: ["things", "1.0.0", DIGEST],
    want: "no trellis-things image",
  },
  { name: "a tag for a digest", args: ["notes", "1.2.0", "1.2.0"], want: "not a sha256 digest" },
  { name: "a short digest", args: ["notes", "1.2.0", "sha256:abc"], want: "not a sha256 digest" },
  { name: "a version with a sed separator", args: ["notes", "1#2", DIGEST], want: "bad version" },
])("pin-image.sh refuses $name and changes nothing", ({ args, want }) => {
  withCopy((root) => {
    const before = readFileSync(kustomization(root), "utf8");
    const result = pin(root, args);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(want);
    expect(readFileSync(kustomization(root), "utf8")).toBe(before);
  });
});

test(
  "a tag-only image in the production overlay fails the digest rule once rendered",
  () => {
    withCopy((root) => {
      const file = kustomization(root);
      const text = readFileSync(file, "utf8");
      const tagOnly = text.replace(
        /(name: ghcr\.io\/trellis-dev\/trellis-notes\n {4}newTag: "0\.1\.0")\n {4}digest: sha256:[0-9a-f]{64}/,
        "$1",
      );
      expect(tagOnly).not.toBe(text);
      writeFileSync(file, tagOnly);
      expect(everyImageIsPinnedByDigest(renderOverlay("production", root))).toEqual([
        'Deployment/notes notes: image "ghcr.io/trellis-dev/trellis-notes:0.1.0" is not tag@sha256:<digest>',
      ]);
    });
  },
  RENDER_TIMEOUT_MS,
);
