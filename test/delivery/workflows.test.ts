// The GitHub workflows of this repository and of deploy/ (its own repository): action-validator
// and pinned actions. Every check is also run once on a broken sample.
import { describe, expect, test } from "bun:test";
import { parse } from "yaml";
import { actionValidator, LINTER_TIMEOUT_MS, lintText } from "./linters.ts";
import { contextOf, DOCKERFILES, readText, workflowFiles } from "./repo.ts";
import { unpinnedUses, usesWithoutVersionComment } from "./workflow-rules.ts";

const WORKFLOWS = workflowFiles();

describe("the workflows", () => {
  test("are there", () => {
    expect(WORKFLOWS).toEqual(
      expect.arrayContaining([
        ".github/workflows/ci.yml",
        ".github/workflows/images.yml",
        "deploy/.github/workflows/deploy.yml",
      ]),
    );
  });

  test.each(WORKFLOWS)(
    "%s passes action-validator",
    (path) => {
      const result = actionValidator(path);
      expect(result.ok, result.output).toBe(true);
    },
    LINTER_TIMEOUT_MS,
  );

  test.each(WORKFLOWS)("%s pins every action to a commit SHA", async (path) => {
    expect(unpinnedUses(await readText(path))).toEqual([]);
  });

  test.each(WORKFLOWS)("%s says which release each pinned SHA is", async (path) => {
    expect(usesWithoutVersionComment(await readText(path))).toEqual([]);
  });

  test.each(DOCKERFILES)("images.yml and ci.yml build %s", async (path) => {
    expect(await readText(".github/workflows/images.yml")).toContain(
      `context=${contextOf(path)} ;;`,
    );
    expect(await readText(".github/workflows/ci.yml")).toContain(`dockerfile: ${path}`);
  });
});

interface Step {
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

describe("the workflows build each image from its own folder", () => {
  const buildStep = (steps: Step[] = []) =>
    steps.find((step) => step.uses?.startsWith("docker/build-push-action@"));

  test("images.yml: the context is the service's folder, the .npmrc a secret file", async () => {
    const text = await readText(".github/workflows/images.yml");
    // Each service's context, and its Dockerfile inside it.
    const contexts = [...text.matchAll(/^\s+\w+\) context=(\S+) ;;$/gm)].map((m) => m[1]);
    expect(contexts.sort()).toEqual(DOCKERFILES.map(contextOf).sort());
    expect(text).toContain('echo "dockerfile=$context/Dockerfile"');
    const images = parse(text) as Workflow;
    const build = buildStep(images.jobs.image?.steps);
    expect(build?.with?.context).toBe(expr("steps.target.outputs.context"));
    expect(build?.with?.["secret-files"]).toBe(`npmrc=${expr("runner.temp")}/npmrc`);
    expect(build?.with?.["build-args"]).not.toMatch(/TOKEN|NPMRC/i);
  });

  test("images.yml: the .npmrc names release.yml's registry and scope, with the job's token", async () => {
    const images = await workflowOf(".github/workflows/images.yml");
    const release = await workflowOf(".github/workflows/release.yml");
    const npmrc = images.jobs.image?.steps?.find((step) => step.run?.includes("/npmrc"));
    const configured = release.jobs.release?.env ?? {};
    expect(npmrc?.env).toMatchObject({
      NPM_REGISTRY: configured.NPM_REGISTRY,
      NPM_SCOPE: configured.NPM_SCOPE,
    });
    expect(npmrc?.env?.NPM_TOKEN).toContain("secrets.GITHUB_TOKEN");
    expect(npmrc?.run).toContain("umask 077");
  });

  test("ci.yml: each image builds from its folder with this commit's packages", async () => {
    const ci = await workflowOf(".github/workflows/ci.yml");
    const job = ci.jobs.image as unknown as {
      strategy: { matrix: { include: { context: string; dockerfile: string }[] } };
      steps: Step[];
    };
    const matrix = job.strategy.matrix.include;
    expect(matrix.map((entry) => entry.dockerfile).sort()).toEqual([...DOCKERFILES].sort());
    for (const entry of matrix) {
      expect(entry.context).toBe(contextOf(entry.dockerfile));
    }
    const build = buildStep(job.steps);
    expect(build?.with?.context).toBe(expr("matrix.context"));
    expect(build?.with?.["build-contexts"]).toBe("local-packages=.packed");
    const pack = job.steps.findIndex((step) => step.run === "bun run pack");
    expect(pack).toBeGreaterThan(-1);
    expect(pack).toBeLessThan(job.steps.indexOf(build as Step));
  });
});

describe("ci.yml's check job gives contracts:check the release tags", () => {
  // It runs in a container as root on a checkout the runner's user owns: git refuses that
  // checkout unless it is marked safe, and a shallow checkout has no tags. Either way the gate
  // cannot find the last release and fails.
  const steps = async (): Promise<Step[]> => {
    const ci = parse(await readText(".github/workflows/ci.yml")) as {
      jobs: { check: { steps: Step[] } };
    };
    return ci.jobs.check.steps;
  };
  const gate = (step: Step) => step.run?.includes("contracts:check") === true;

  test("checks out the whole history, tags included", async () => {
    const checkout = (await steps()).find((step) => step.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with?.["fetch-depth"]).toBe(0);
  });

  test("marks the checkout safe for git before the gate runs", async () => {
    const all = await steps();
    const safe = all.findIndex(
      (step) => step.run?.trim() === 'git config --global --add safe.directory "$GITHUB_WORKSPACE"',
    );
    expect(safe).toBeGreaterThan(-1);
    expect(safe).toBeLessThan(all.findIndex(gate));
  });
});

interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<
    string,
    {
      if?: string;
      needs?: string;
      env?: Record<string, string>;
      uses?: string;
      with?: Record<string, unknown>;
      outputs?: Record<string, string>;
      steps?: Step[];
    }
  >;
}
/** A GitHub expression, `${{ inner }}`, written so that no string holds a template's `${`. */
const expr = (inner: string): string => `$${"{{"} ${inner} }}`;
const workflowOf = async (path: string): Promise<Workflow> =>
  parse(await readText(path)) as Workflow;

describe("a service's image is built only from a release tag of a commit CI passed", () => {
  test("release.yml runs after ci succeeded on a push to main, on that commit", async () => {
    const release = await workflowOf(".github/workflows/release.yml");
    expect(Object.keys(release.on)).toEqual(["workflow_run"]);
    expect(release.on.workflow_run).toMatchObject({ workflows: ["ci"], branches: ["main"] });
    expect(release.jobs.release?.if).toContain("github.event.workflow_run.conclusion == 'success'");
    const checkout = release.jobs.release?.steps?.find((step) =>
      step.uses?.startsWith("actions/checkout@"),
    );
    expect(checkout?.with?.ref).toBe(expr("github.event.workflow_run.head_sha"));
  });

  test("release.yml tags the services whose version moved, then calls images.yml for each", async () => {
    const release = await workflowOf(".github/workflows/release.yml");
    const tagging = release.jobs.release?.steps?.find((step) =>
      step.run?.includes("scripts/release/tag-services.ts --push"),
    );
    expect(tagging).toBeDefined();
    expect(release.jobs.images).toMatchObject({
      needs: "release",
      uses: "./.github/workflows/images.yml",
      with: { service: expr("matrix.service"), version: expr("matrix.version") },
    });
  });

  test("images.yml starts on no pushed tag and builds the release tag's commit", async () => {
    const images = await workflowOf(".github/workflows/images.yml");
    expect(Object.keys(images.on).sort()).toEqual(["workflow_call", "workflow_dispatch"]);
    const checkout = images.jobs.image?.steps?.find((step) =>
      step.uses?.startsWith("actions/checkout@"),
    );
    expect(checkout?.with?.ref).toBe(
      `refs/tags/${expr("steps.target.outputs.service")}@${expr("steps.target.outputs.version")}`,
    );
  });
});

const SHA = "11bd71901bbe5b1630ceea73d27597364c9af683";
const workflow = (uses: string): string =>
  `on: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: ${uses}\n`;

const usesCases = [
  { name: "a SHA pin", uses: `actions/checkout@${SHA} # v4.2.2`, unpinned: 0, uncommented: 0 },
  { name: "a local action", uses: "./.github/actions/setup", unpinned: 0, uncommented: 0 },
  { name: "a tag", uses: "actions/checkout@v4", unpinned: 1, uncommented: 0 },
  { name: "a branch", uses: "actions/checkout@main", unpinned: 1, uncommented: 0 },
  { name: "a short SHA", uses: "actions/checkout@11bd719", unpinned: 1, uncommented: 0 },
  {
    name: "a SHA with no version comment",
    uses: `actions/checkout@${SHA}`,
    unpinned: 0,
    uncommented: 1,
  },
];

describe("the workflow checks can fail", () => {
  test.each(usesCases)("uses: $name", ({ uses, unpinned, uncommented }) => {
    expect(unpinnedUses(workflow(uses)).length).toBe(unpinned);
    expect(usesWithoutVersionComment(workflow(uses)).length).toBe(uncommented);
  });

  test("a reusable workflow at job level counts too", () => {
    const text = "on: push\njobs:\n  call:\n    uses: octo/repo/.github/workflows/x.yml@main\n";
    expect(unpinnedUses(text)).toEqual(["octo/repo/.github/workflows/x.yml@main"]);
  });

  test(
    "action-validator fails a job with no runs-on",
    () => {
      const text = "on: push\njobs:\n  build:\n    steps:\n      - run: echo\n";
      const result = lintText(actionValidator, "broken.yml", text);
      expect(result.ok).toBe(false);
      expect(result.output).toContain("/jobs/build/runs-on");
    },
    LINTER_TIMEOUT_MS,
  );
});
