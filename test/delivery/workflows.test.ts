// The GitHub workflows of this repository and of deploy/ (its own repository): action-validator
// and pinned actions. Every check is also run once on a broken sample.
import { describe, expect, test } from "bun:test";
import { parse } from "yaml";
import { actionValidator, LINTER_TIMEOUT_MS, lintText } from "./linters.ts";
import { contextOf, DOCKERFILES, readText, SERVICES, workflowFiles } from "./repo.ts";
import {
  servicesNamed,
  trivyIgnoreProblems,
  unpinnedUses,
  usesWithoutVersionComment,
} from "./workflow-rules.ts";

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

  // The gateway is the one image that is no discovered service (scripts/services/images.ts).
  test.each(WORKFLOWS)("%s names no service: it asks scripts/services/list.ts", async (path) => {
    expect(servicesNamed(await readText(path), SERVICES)).toEqual([]);
  });
});

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

describe("the workflows build each image from its own folder", () => {
  const buildStep = (steps: Step[] = []) =>
    steps.find((step) => step.uses?.startsWith("docker/build-push-action@"));

  test("images.yml: the context is the folder list.ts names, the .npmrc a secret file", async () => {
    const images = await workflowOf(".github/workflows/images.yml");
    const steps = images.jobs.image?.steps ?? [];
    // The folder from the release tag's own checkout, which names it for the service.
    const folder = steps.find((step) => step.run?.includes("scripts/services/list.ts --dir"));
    expect(folder?.run).toContain('context=$(bun scripts/services/list.ts --dir "$SERVICE")');
    expect(folder?.run).toContain('echo "dockerfile=$context/Dockerfile"');
    expect(folder?.env?.SERVICE).toBe(expr("steps.target.outputs.service"));
    const checkout = steps.findIndex((step) => step.uses?.startsWith("actions/checkout@"));
    expect(checkout).toBeLessThan(steps.indexOf(folder as Step));
    const build = buildStep(steps);
    expect(build?.with?.context).toBe(expr("steps.folder.outputs.context"));
    expect(build?.with?.file).toBe(expr("steps.folder.outputs.dockerfile"));
    expect(build?.with?.["secret-files"]).toBe(`npmrc=${expr("runner.temp")}/npmrc`);
    expect(build?.with?.["build-args"]).not.toMatch(/TOKEN|NPMRC/i);
  });

  test("images.yml: the service input is checked whole before it names a ref", async () => {
    const images = await workflowOf(".github/workflows/images.yml");
    const target = images.jobs.image?.steps?.find((step) => step.id === "target");
    expect(target?.run).toContain("[[ $service =~ ^[a-z][a-z0-9]*(-[a-z0-9]+)*$ ]]");
    expect(target?.run).not.toContain("context=");
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

  test("ci.yml: each image list.ts names builds from its folder with this commit's packages", async () => {
    const ci = await workflowOf(".github/workflows/ci.yml");
    const list = ci.jobs.images?.steps?.find((step) => step.id === "list");
    expect(list?.run).toContain("matrix=$(bun scripts/services/list.ts --json)");
    expect(ci.jobs.images?.outputs?.matrix).toBe(expr("steps.list.outputs.matrix"));
    const job = ci.jobs.image as unknown as {
      needs: string;
      strategy: { matrix: { include: string } };
      steps: Step[];
    };
    expect(job.needs).toBe("images");
    expect(job.strategy.matrix.include).toBe(expr("fromJSON(needs.images.outputs.matrix)"));
    const build = buildStep(job.steps);
    expect(build?.with?.context).toBe(expr("matrix.context"));
    expect(build?.with?.file).toBe(expr("matrix.dockerfile"));
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

const named = [
  { name: "notes", dir: "service-template" },
  { name: "shopping-list", dir: "services/shopping-list" },
];
const namingCases = [
  { name: "a matrix entry", line: "          - service: notes", found: ["notes (line 1)"] },
  { name: "a choice", line: "        options: [gateway, notes]", found: ["notes (line 1)"] },
  {
    name: "a case mapping",
    line: "  shopping-list) context=services/shopping-list ;;",
    found: ["shopping-list (line 1)", "services/shopping-list (line 1)"],
  },
  {
    name: "a folder",
    line: "      context: service-template",
    found: ["service-template (line 1)"],
  },
  { name: "an image name", line: "  image: ghcr.io/o/trellis-notes:1", found: ["notes (line 1)"] },
  { name: "a comment", line: "      # release notes, then the images", found: [] },
  { name: "a longer word", line: "      - run: echo footnotes notes_x", found: [] },
  { name: "the gateway", line: "          - service: gateway", found: [] },
  { name: "an option's name", line: "  cosign verify --x-notes-regexp y", found: [] },
  { name: "an option's value", line: "  list.ts --service=notes", found: ["notes (line 1)"] },
];

describe("the workflow checks can fail", () => {
  test.each(namingCases)("a service named in $name", ({ line, found }) => {
    expect(servicesNamed(line, named)).toEqual(found);
  });

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

// Releases, images and deploys never run twice at once for the same thing, and none is
// cancelled half-way (a cancelled deploy or publish leaves a half-done state).
test.each([
  { file: ".github/workflows/release.yml", where: "workflow", group: "release" },
  {
    file: ".github/workflows/images.yml",
    where: "image",
    group: `images-${expr("inputs.service")}`,
  },
  {
    file: ".github/workflows/images.yml",
    where: "pin",
    group: `images-pin-${expr("needs.image.outputs.service")}`,
  },
  { file: "deploy/.github/workflows/deploy.yml", where: "workflow", group: "deploy-production" },
])("$file ($where) runs one at a time in group $group", async ({ file, where, group }) => {
  const workflow = parse(await readText(file)) as {
    concurrency?: unknown;
    jobs: Record<string, { concurrency?: unknown }>;
  };
  const concurrency =
    where === "workflow" ? workflow.concurrency : workflow.jobs[where]?.concurrency;
  expect(concurrency).toEqual({ group, "cancel-in-progress": false });
});

// A pull request opened (or a branch pushed) with GITHUB_TOKEN starts no workflow: CI would never
// run on the Version Packages or the pin pull request, and their required checks never pass.
// Both are opened with a GitHub App's token, made by a pinned step before its use, and a missing
// App stops the job with a message naming the README's setup section.
const APP_SETUP = "GitHub App for release pull requests";
const APP_TOKEN_ACTION = "actions/create-github-app-token@";
const GITHUB_TOKENS = /secrets\.GITHUB_TOKEN|github\.token/;

interface TokenCase {
  file: string;
  job: string;
  /** The step that opens the pull request, and where its token is. */
  opens: (step: Step) => boolean;
  token: (step: Step) => unknown;
}

const tokenCases: TokenCase[] = [
  {
    file: ".github/workflows/release.yml",
    job: "release",
    opens: (step) => step.uses?.startsWith("changesets/action@") === true,
    // changesets/action 2 takes a token other than GITHUB_TOKEN only as this input.
    token: (step) => step.with?.["github-token"],
  },
  {
    file: ".github/workflows/images.yml",
    job: "pin",
    opens: (step) => step.uses?.startsWith("peter-evans/create-pull-request@") === true,
    token: (step) => step.with?.token,
  },
];

/** What is wrong with how a job's pull request gets the App's token (nothing: []). */
function appTokenProblems(
  steps: Step[],
  opens: (step: Step) => boolean,
  token: (step: Step) => unknown,
): string[] {
  const app = steps.findIndex((step) => step.uses?.startsWith(APP_TOKEN_ACTION));
  const use = steps.findIndex(opens);
  if (use < 0 || app < 0) {
    return [use < 0 ? "no step opens the pull request" : "no actions/create-github-app-token step"];
  }
  const appStep = steps[app] as Step;
  const expected = expr(`steps.${appStep.id}.outputs.token`);
  const used = String(token(steps[use] as Step) ?? "");
  return [
    /@[0-9a-f]{40}$/.test(appStep.uses ?? "") ? "" : "the App token step is not pinned",
    app < use ? "" : "the App token step comes after its use",
    appStep.id === undefined ? "the App token step has no id" : "",
    used === expected ? "" : `the pull request's token is ${used || "unset"}, not ${expected}`,
    GITHUB_TOKENS.test(used) ? "the pull request is opened with GITHUB_TOKEN" : "",
  ].filter((problem) => problem !== "");
}

describe("pull requests opened by workflows are opened with the release App's token", () => {
  test.each(tokenCases)("$file ($job)", async ({ file, job, opens, token }) => {
    const steps = (await workflowOf(file)).jobs[job]?.steps ?? [];
    expect(appTokenProblems(steps, opens, token)).toEqual([]);
    const app = steps.find((step) => step.uses?.startsWith(APP_TOKEN_ACTION));
    expect(app?.with).toMatchObject({
      "client-id": expr("vars.RELEASE_APP_CLIENT_ID"),
      "private-key": expr("secrets.RELEASE_APP_PRIVATE_KEY"),
      "permission-contents": "write",
      "permission-pull-requests": "write",
    });
  });

  test.each(tokenCases)(
    "$file ($job) stops, naming the setup, without the App",
    async ({ file, job }) => {
      const steps = (await workflowOf(file)).jobs[job]?.steps ?? [];
      const app = steps.findIndex((step) => step.uses?.startsWith(APP_TOKEN_ACTION));
      const check = steps.findIndex(
        (step) => step.run?.includes(APP_SETUP) === true && step.run.includes("exit 1"),
      );
      expect(check).toBeGreaterThan(-1);
      expect(check).toBeLessThan(app);
      expect(steps[check]?.env).toMatchObject({
        APP_CLIENT_ID: expr("vars.RELEASE_APP_CLIENT_ID"),
        APP_PRIVATE_KEY: expr("secrets.RELEASE_APP_PRIVATE_KEY"),
      });
    },
  );

  test.each(["README.md", "deploy/README.md"])("%s documents the App's setup", async (path) => {
    const text = await readText(path);
    expect(text).toContain(`## ${APP_SETUP}`);
    for (const name of ["RELEASE_APP_CLIENT_ID", "RELEASE_APP_PRIVATE_KEY"]) {
      expect(text).toContain(name);
    }
  });

  // Else the checkout's persisted GITHUB_TOKEN, not the App's, pushes the Version Packages
  // branch, and an updated pull request runs no CI.
  test("release.yml's checkout leaves no GITHUB_TOKEN in the git config", async () => {
    const steps = (await workflowOf(".github/workflows/release.yml")).jobs.release?.steps ?? [];
    const checkout = steps.find((step) => step.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with?.["persist-credentials"]).toBe(false);
  });

  test("images.yml's pin token is scoped to the deploy repository, and checks it out", async () => {
    const steps = (await workflowOf(".github/workflows/images.yml")).jobs.pin?.steps ?? [];
    const app = steps.find((step) => step.uses?.startsWith(APP_TOKEN_ACTION));
    const scope = steps.find((step) => step.id === "deploy-repo");
    expect(scope?.env?.DEPLOY_REPOSITORY).toBe(expr("vars.DEPLOY_REPOSITORY || github.repository"));
    expect(app?.with).toMatchObject({
      owner: expr("steps.deploy-repo.outputs.owner"),
      repositories: expr("steps.deploy-repo.outputs.name"),
    });
    const checkout = steps.find((step) => step.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with?.token).toBe(expr(`steps.${app?.id}.outputs.token`));
  });

  // The App writes; GITHUB_TOKEN keeps only what the rest of the job needs.
  test.each([
    { file: ".github/workflows/release.yml", job: "release" },
    { file: ".github/workflows/release.yml", job: "images" },
    { file: ".github/workflows/images.yml", job: "pin" },
  ])(
    "$file ($job) gives GITHUB_TOKEN no write to contents or pull requests",
    async ({ file, job }) => {
      const workflow = parse(await readText(file)) as {
        jobs: Record<string, { permissions?: Record<string, string> }>;
      };
      const permissions = workflow.jobs[job]?.permissions ?? {};
      expect(permissions.contents).toBe("read");
      expect(permissions["pull-requests"]).toBeUndefined();
    },
  );
});

describe("the App token check can fail", () => {
  const opens = (step: Step) => step.uses?.startsWith("changesets/action@") === true;
  const token = (step: Step) => step.env?.GITHUB_TOKEN;
  const app: Step = {
    id: "app-token",
    uses: `${APP_TOKEN_ACTION}${SHA}`,
  };
  const changesets = (value: string): Step => ({
    uses: `changesets/action@${SHA}`,
    env: { GITHUB_TOKEN: value },
  });
  test.each<{ name: string; steps: Step[]; problems: number }>([
    {
      name: "the App's token",
      steps: [app, changesets(expr("steps.app-token.outputs.token"))],
      problems: 0,
    },
    { name: "GITHUB_TOKEN", steps: [app, changesets(expr("secrets.GITHUB_TOKEN"))], problems: 2 },
    { name: "github.token", steps: [app, changesets(expr("github.token"))], problems: 2 },
    {
      name: "no App step",
      steps: [changesets(expr("steps.app-token.outputs.token"))],
      problems: 1,
    },
    {
      name: "the App step after its use",
      steps: [changesets(expr("steps.app-token.outputs.token")), app],
      problems: 1,
    },
    {
      name: "an unpinned App step",
      steps: [
        { ...app, uses: `${APP_TOKEN_ACTION}v3` },
        changesets(expr("steps.app-token.outputs.token")),
      ],
      problems: 1,
    },
  ])("$name", ({ steps, problems }) => {
    expect(appTokenProblems(steps, opens, token).length).toBe(problems);
  });
});

// deploy/ as its own repository checks its pull requests itself; here, ci.yml's tests do.
describe("pull requests against deploy/ are checked", () => {
  test("deploy/.github/workflows has a pull_request workflow running docker compose config and dclint", async () => {
    const checks = await workflowOf("deploy/.github/workflows/checks.yml");
    expect(Object.keys(checks.on)).toContain("pull_request");
    const runs = Object.values(checks.jobs)
      .flatMap((job) => job.steps ?? [])
      .map((step) => step.run ?? "")
      .join("\n");
    expect(runs).toContain("> .env");
    expect(runs).toContain("docker compose config --quiet");
    expect(runs).toContain("-f compose.yaml -f compose.jaeger-ui.yaml config --quiet");
    expect(runs).toMatch(
      /dclint@\d+\.\d+\.\d+ compose\.yaml compose\.jaeger-ui\.yaml --max-warnings 0/,
    );
    const parsed = parse(await readText("deploy/.github/workflows/checks.yml")) as {
      permissions: unknown;
      concurrency: unknown;
    };
    expect(parsed.permissions).toEqual({ contents: "read" });
    expect(parsed.concurrency).toEqual({
      group: `checks-${expr("github.ref")}`,
      "cancel-in-progress": expr("github.event_name == 'pull_request'"),
    });
  });

  test("checks.yml's dclint is the version the tests here use", async () => {
    const text = await readText("deploy/.github/workflows/checks.yml");
    const pkg = JSON.parse(await readText("package.json")) as {
      devDependencies: Record<string, string>;
    };
    expect(text).toContain(`dclint@${pkg.devDependencies.dclint}`);
  });

  test("ci.yml runs the tests, test/delivery among them, on every pull request", async () => {
    const ci = await workflowOf(".github/workflows/ci.yml");
    expect(ci.on.pull_request ?? {}).not.toHaveProperty("paths");
    expect(ci.on.pull_request ?? {}).not.toHaveProperty("paths-ignore");
    const steps = ci.jobs.check?.steps ?? [];
    expect(steps.some((step) => step.run?.includes("bun run test") === true)).toBe(true);
    const pkg = JSON.parse(await readText("package.json")) as { scripts: Record<string, string> };
    expect(pkg.scripts.test).toMatch(/bun test$/);
  });
});

// Publishing is configuration (contracts/README.md, "Publishing: GitHub Packages or npm").
describe("release.yml publishes as configured", () => {
  test("changesets/action 2 (for @changesets/cli 3) runs bun run release with the App's token", async () => {
    const steps = (await workflowOf(".github/workflows/release.yml")).jobs.release?.steps ?? [];
    const changesets = steps.find((step) => step.uses?.startsWith("changesets/action@"));
    expect(changesets?.uses).toMatch(/^changesets\/action@[0-9a-f]{40}$/);
    expect(changesets?.with).toMatchObject({
      "version-script": "bun run version-packages",
      "publish-script": "bun run release",
    });
    // Provenance is decided per registry by the release script, not forced on every publish.
    expect(changesets?.env?.NPM_CONFIG_PROVENANCE).toBeUndefined();
    expect(changesets?.env?.GITHUB_TOKEN).toBeUndefined();
    const tagging = steps.find((step) => step.run?.includes("tag-services.ts --push"));
    expect(tagging?.env?.APP_TOKEN).toBe(expr("steps.app-token.outputs.token"));
  });

  test("the registry, scope and provenance are variables; npmjs gets an OIDC-capable npm", async () => {
    const release = (await workflowOf(".github/workflows/release.yml")).jobs.release;
    expect(release?.env).toMatchObject({
      NPM_REGISTRY: expr("vars.NPM_REGISTRY || 'https://npm.pkg.github.com'"),
      NPM_SCOPE: expr("vars.NPM_SCOPE || '@trellis'"),
      NPM_PROVENANCE: expr("vars.NPM_PROVENANCE || 'true'"),
    });
    const npm = release?.steps?.find((step) => step.run?.startsWith("npm install --global npm@"));
    expect(npm?.run).toMatch(/npm@11\.\d+\.\d+$/);
    expect((npm as { if?: string } | undefined)?.if).toBe(
      "env.NPM_REGISTRY == 'https://registry.npmjs.org'",
    );
  });
});

// Each released image: BuildKit's SBOM and provenance, the repository's OCI labels, a Trivy scan
// failing on a fixable critical vulnerability, a keyless cosign signature of the pushed digest,
// and a pin pull request only for a digest that is well formed and whose signature verifies.
describe("images.yml attests, scans and signs the image before it is pinned", () => {
  interface Job {
    needs?: string | string[];
    permissions?: Record<string, string>;
    steps?: Step[];
  }
  const jobsOf = async (): Promise<Record<string, Job>> =>
    (parse(await readText(".github/workflows/images.yml")) as { jobs: Record<string, Job> }).jobs;
  const needsOf = (job: Job | undefined): string[] => [job?.needs ?? []].flat();
  const uses = (prefix: string) => (step: Step) => step.uses?.startsWith(prefix) === true;
  const DIGEST = `${expr("needs.image.outputs.image")}@${expr("needs.image.outputs.digest")}`;

  test("the build has provenance (mode=max), an SBOM, and metadata-action's labels", async () => {
    const steps = (await jobsOf()).image?.steps ?? [];
    const build = steps.find(uses("docker/build-push-action@"));
    expect(build?.with).toMatchObject({ provenance: "mode=max", sbom: true });
    const meta = steps.findIndex(uses("docker/metadata-action@"));
    expect(meta).toBeGreaterThan(-1);
    expect(meta).toBeLessThan(steps.indexOf(build as Step));
    const metaStep = steps[meta] as Step;
    expect(metaStep.with?.context).toBe("git");
    expect(build?.with?.labels).toBe(expr(`steps.${metaStep.id}.outputs.labels`));
  });

  test("a scan job runs Trivy on the pushed digest: critical, fixable, exit code 1, .trivyignore", async () => {
    const scan = (await jobsOf()).scan;
    expect(needsOf(scan)).toContain("image");
    const trivy = scan?.steps?.find(uses("aquasecurity/trivy-action@"));
    expect(trivy?.with).toMatchObject({
      "image-ref": DIGEST,
      severity: "CRITICAL",
      "exit-code": 1,
      "ignore-unfixed": true,
      trivyignores: ".trivyignore",
    });
    // The ignore file is the release tag's own.
    const checkout = scan?.steps?.find(uses("actions/checkout@"));
    expect(checkout?.with?.ref).toBe(
      `refs/tags/${expr("needs.image.outputs.service")}@${expr("needs.image.outputs.version")}`,
    );
  });

  test(".trivyignore is there, says its rule, and each entry has a reason and an expiry", async () => {
    const text = await readText(".trivyignore");
    expect(text).toMatch(/^# /);
    expect(text).toContain("reason");
    expect(text).toContain("exp:YYYY-MM-DD");
    expect(trivyIgnoreProblems(text)).toEqual([]);
  });

  test("a sign job signs the pushed digest keylessly, after the push and the scan", async () => {
    const jobs = await jobsOf();
    const sign = jobs.sign;
    expect(needsOf(sign)).toEqual(expect.arrayContaining(["image", "scan"]));
    const steps = sign?.steps ?? [];
    const installer = steps.findIndex(uses("sigstore/cosign-installer@"));
    const signing = steps.findIndex((step) =>
      /\bcosign sign --yes "\$IMAGE@\$DIGEST"/.test(step.run ?? ""),
    );
    expect(installer).toBeGreaterThan(-1);
    expect(installer).toBeLessThan(signing);
    expect(steps[signing]?.env).toEqual({
      IMAGE: expr("needs.image.outputs.image"),
      DIGEST: expr("needs.image.outputs.digest"),
    });
    expect(steps.map((step) => step.run ?? "").join("\n")).not.toMatch(/--key\b/);
  });

  test("only the sign job may ask for an OIDC token", async () => {
    const workflow = parse(await readText(".github/workflows/images.yml")) as {
      permissions?: Record<string, string>;
    };
    expect(workflow.permissions?.["id-token"]).toBeUndefined();
    const jobs = await jobsOf();
    const withToken = Object.entries(jobs)
      .filter(([, job]) => job.permissions?.["id-token"] !== undefined)
      .map(([name, job]) => `${name}: ${job.permissions?.["id-token"]}`);
    expect(withToken).toEqual(["sign: write"]);
  });

  test("the pin job needs the scan and the signature, and validates the digest before either pin", async () => {
    const pin = (await jobsOf()).pin;
    expect(needsOf(pin)).toEqual(expect.arrayContaining(["image", "scan", "sign"]));
    const steps = pin?.steps ?? [];
    const validate = steps.findIndex((step) => step.run?.includes("cosign verify") === true);
    const opens = steps.findIndex(uses("peter-evans/create-pull-request@"));
    expect(validate).toBeGreaterThan(-1);
    expect(validate).toBeLessThan(opens);
    // Before the digest goes into compose.yaml.
    const pins = steps.findIndex((step) => step.run?.includes('"$COMPOSE_FILE"') === true);
    expect(validate).toBeLessThan(pins);
    // And before it goes into the Kubernetes production overlay, in the same pull request
    // (images-pin-step.test.ts runs both edits).
    const pinsK8s = steps.findIndex((step) => step.run?.includes("pin-image.sh") === true);
    expect(pinsK8s).toBeGreaterThan(validate);
    expect(pinsK8s).toBeLessThan(opens);
    const run = steps[validate]?.run ?? "";
    expect(run).toContain("[[ $DIGEST =~ ^sha256:[0-9a-f]{64}$ ]]");
    expect(run).toContain('cosign verify "$IMAGE@$DIGEST"');
    expect(run).toMatch(
      /--certificate-identity-regexp "\^https:\/\/github\\\.com\/\$repository\/\\\.github\/workflows\/images\\\.yml@"/,
    );
    expect(run).toContain("--certificate-oidc-issuer https://token.actions.githubusercontent.com");
    // The shape is checked before anything uses the digest.
    expect(run.indexOf("sha256:[0-9a-f]{64}")).toBeLessThan(run.indexOf("cosign verify"));
    const installer = steps.findIndex(uses("sigstore/cosign-installer@"));
    expect(installer).toBeGreaterThan(-1);
    expect(installer).toBeLessThan(validate);
  });
});

describe("Dependabot keeps the pins fresh", () => {
  interface Update {
    "package-ecosystem": string;
    directory?: string;
    directories?: string[];
  }
  const updates = async (): Promise<Update[]> =>
    (parse(await readText(".github/dependabot.yml")) as { updates: Update[] }).updates;
  const dirsOf = (all: Update[], ecosystem: string): string[] =>
    all
      .filter((update) => update["package-ecosystem"] === ecosystem)
      .flatMap((update) => [update.directory ?? [], update.directories ?? []].flat());
  /** Dependabot's `directories` globs: `*` within one folder name. */
  const covers = (dirs: string[], folder: string): boolean =>
    dirs.some((dir) => {
      const parts = dir.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
      return new RegExp(`^${parts.join("[^/]+")}$`).test(folder);
    });

  test("the actions' SHAs in the workflows here and in deploy/", async () => {
    const dirs = dirsOf(await updates(), "github-actions");
    expect(dirs).toEqual(expect.arrayContaining(["/", "/deploy"]));
  });

  test.each(DOCKERFILES)("the base images' digests in %s", async (dockerfile) => {
    expect(covers(dirsOf(await updates(), "docker"), `/${contextOf(dockerfile)}`)).toBe(true);
  });

  test("the images in both compose files", async () => {
    const dirs = dirsOf(await updates(), "docker-compose");
    expect(dirs).toEqual(expect.arrayContaining(["/", "/deploy"]));
  });

  test("a folder glob covers a new service, and only one level", () => {
    expect(covers(["/services/*"], "/services/shopping-list")).toBe(true);
    expect(covers(["/services/*"], "/services/a/b")).toBe(false);
    expect(covers(["/gateway"], "/service-template")).toBe(false);
  });
});

describe("the .trivyignore check can fail", () => {
  test.each([
    { name: "a documented entry", text: "# reason\nCVE-2099-1 exp:2099-01-31\n", problems: 0 },
    {
      name: "two entries under one reason",
      text: "# reason\nCVE-2099-1 exp:2099-01-31\nCVE-2099-2 exp:2099-01-31\n",
      problems: 0,
    },
    { name: "no expiry", text: "# reason\nCVE-2099-1\n", problems: 1 },
    { name: "no reason", text: "CVE-2099-1 exp:2099-01-31\n", problems: 1 },
    { name: "neither, after a blank line", text: "# reason\n\nCVE-2099-1\n", problems: 2 },
  ])("$name", ({ text, problems }) => {
    expect(trivyIgnoreProblems(text).length).toBe(problems);
  });
});
