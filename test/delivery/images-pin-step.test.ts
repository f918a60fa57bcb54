// images.yml's pin job, its file-editing steps run as GitHub runs them (bash -e -o pipefail, the
// job's and each step's env with the image job's outputs filled in) on a git checkout of deploy/,
// laid out as in this repository and as a repository of its own (vars.DEPLOY_REPOSITORY set). The
// pull request must pin the release in compose.yaml and in the Kubernetes production overlay
// alike, and commit exactly the files the steps changed.
import { afterAll, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import {
  K8S_DIR,
  type K8sObject,
  kustomizeBuild,
  parseObjects,
  RENDER_TIMEOUT_MS,
} from "./k8s-render.ts";
import { ROOT, readText } from "./repo.ts";

interface Step {
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
const workflow = parse(await readText(".github/workflows/images.yml")) as {
  jobs: { pin: { env: Record<string, string>; steps: Step[] } };
};
const { pin } = workflow.jobs;

const DIGEST = `sha256:${"1".repeat(64)}`;
const OUTPUTS: Record<string, string> = {
  service: "notes",
  version: "1.2.0",
  image: "ghcr.io/trellis-dev/trellis-notes",
  digest: DIGEST,
};

/** The expressions the pin job's env and steps use, for a deploy repository of its own or not. */
function evaluate(expression: string, split: boolean): string {
  const output = /^needs\.image\.outputs\.(\w+)$/.exec(expression)?.[1];
  if (output !== undefined && OUTPUTS[output] !== undefined) {
    return OUTPUTS[output];
  }
  const env = /^env\.(\w+)$/.exec(expression)?.[1];
  if (env !== undefined && pin.env[env] !== undefined) {
    return filled(pin.env[env], split);
  }
  const layout = /^vars\.DEPLOY_REPOSITORY && '([^']*)' \|\| '([^']*)'$/.exec(expression);
  if (layout !== null) {
    return (split ? layout[1] : layout[2]) ?? "";
  }
  throw new Error(`this test cannot evaluate \${{ ${expression} }}: teach evaluate() it`);
}

const filled = (text: string, split: boolean): string =>
  text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expression: string) => evaluate(expression, split));

const filledEnv = (env: Record<string, string> = {}, split: boolean) =>
  Object.fromEntries(Object.entries(env).map(([name, value]) => [name, filled(value, split)]));

/** The steps between the checkout of the deploy repository and the pull request: the edits. */
function editingSteps(): Step[] {
  const checkout = pin.steps.findIndex((s) => s.uses?.startsWith("actions/checkout@"));
  const opens = pin.steps.findIndex((s) => s.uses?.startsWith("peter-evans/create-pull-request@"));
  expect(checkout).toBeGreaterThan(-1);
  expect(opens).toBeGreaterThan(checkout);
  return pin.steps.slice(checkout + 1, opens).filter((step) => step.run !== undefined);
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** deploy/'s compose.yaml and k8s/ checked out (in git) at `dir` (`deploy` or the root). */
function checkout(split: boolean): { root: string; deploy: string } {
  const root = mkdtempSync(join(tmpdir(), "images-pin-"));
  temps.push(root);
  const deploy = split ? root : join(root, "deploy");
  cpSync(join(ROOT, "deploy/compose.yaml"), join(deploy, "compose.yaml"));
  cpSync(join(ROOT, K8S_DIR), join(deploy, "k8s"), { recursive: true });
  git(root, ["init", "-q"]);
  git(root, ["add", "-A"]);
  return { root, deploy };
}

function git(cwd: string, args: string[]): string {
  const result = Bun.spawnSync(["git", ...args], { cwd, stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) {
    throw new Error(`git ${args.join(" ")}: ${result.stderr.toString()}`);
  }
  return result.stdout.toString();
}

/** Runs the editing steps in order, as GitHub's bash; the first failing one's output, or null. */
function runSteps(root: string, split: boolean): string | null {
  for (const step of editingSteps()) {
    const result = Bun.spawnSync(
      ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step.run ?? ""],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          ...filledEnv(pin.env, split),
          ...filledEnv(step.env, split),
        },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    if (result.exitCode !== 0) {
      return `${result.stdout}${result.stderr}`;
    }
  }
  return null;
}

function notesImage(objects: K8sObject[]): string | undefined {
  const notes = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "notes");
  return (notes?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)
    ?.template.spec.containers[0]?.image;
}

const LAYOUTS = [
  { layout: "deploy/ in this repository", split: false },
  { layout: "a deploy repository of its own", split: true },
];
const PINNED = `${OUTPUTS.image}:${OUTPUTS.version}@${DIGEST}`;

test.each(LAYOUTS)(
  "pins the release in compose.yaml and the production overlay: $layout",
  ({ split }) => {
    const { root, deploy } = checkout(split);
    expect(runSteps(root, split)).toBeNull();
    const compose = readFileSync(join(deploy, "compose.yaml"), "utf8");
    expect(compose).toContain(`image: ${PINNED}\n`);
    const production = parseObjects(kustomizeBuild(join(deploy, "k8s/overlays/production")));
    expect(notesImage(production)).toBe(PINNED);
  },
  RENDER_TIMEOUT_MS,
);

test.each(LAYOUTS)(
  "the pull request commits exactly the files the steps changed: $layout",
  ({ split }) => {
    const { root } = checkout(split);
    expect(runSteps(root, split)).toBeNull();
    const changed = git(root, ["diff", "--name-only"]).split("\n").filter(Boolean).sort();
    const opens = pin.steps.find((s) => s.uses?.startsWith("peter-evans/create-pull-request@"));
    const committed = filled(opens?.with?.["add-paths"] ?? "", split)
      .split(/[,\n]/)
      .map((path) => path.trim())
      .filter(Boolean)
      .sort();
    const prefix = split ? "" : "deploy/";
    expect(changed).toEqual([
      `${prefix}compose.yaml`,
      `${prefix}k8s/overlays/production/kustomization.yaml`,
    ]);
    expect(committed).toEqual(changed);
  },
);

test("a release with no entry in the production overlay fails the job: no pull request", () => {
  const { root, deploy } = checkout(false);
  const file = join(deploy, "k8s/overlays/production/kustomization.yaml");
  const text = readFileSync(file, "utf8");
  const without = text.replace(/ {2}- name: ghcr\.io\/[^/]+\/trellis-notes\n( {4}.*\n){2}/, "");
  expect(without).not.toBe(text);
  writeFileSync(file, without);
  expect(runSteps(root, false) ?? "every step passed").toContain("no trellis-notes image");
});
