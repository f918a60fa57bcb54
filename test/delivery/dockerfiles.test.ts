// The images' Dockerfiles, checked without a Docker engine: dockerfilelint, our own rules, a
// cheap proof that each build context (the Dockerfile's own folder) holds what its COPY
// instructions read, and what makes that folder build alone (image-build-rules.ts): no workspace
// file, the .npmrc only as a secret, the folder's lockfile, nothing test-only installed. Every
// rule is also run once on a broken sample, since a check that cannot fail proves nothing.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { missingFromContext } from "./build-context.ts";
import { TEST_ONLY_PACKAGES } from "./bundle-inputs.ts";
import { parseDockerfile, stagesOf } from "./dockerfile.ts";
import { dockerfileRules, unpinnedSyntaxDirective } from "./dockerfile-rules.ts";
import { parseDockerignore } from "./dockerignore.ts";
import {
  bunInstalls,
  lockfileProblems,
  type Manifest,
  npmrcProblems,
  testOnlyInstalled,
  workspaceSources,
} from "./image-build-rules.ts";
import { dockerfilelint, LINTER_TIMEOUT_MS, lintText } from "./linters.ts";
import { contextOf, DOCKERFILES, ROOT, readText } from "./repo.ts";

/**
 * The .dockerignore Docker reads for a build of the folder: the context's own. (A
 * `<Dockerfile>.dockerignore` beside the Dockerfile would win over it; there is none.)
 */
function ignoreFileFor(dockerfile: string): string {
  return `${contextOf(dockerfile)}/.dockerignore`;
}

async function stagesIn(path: string) {
  return stagesOf(parseDockerfile(await readText(path)));
}

const ruleNames = Object.keys(dockerfileRules);

describe("the images' Dockerfiles", () => {
  test.each(DOCKERFILES)(
    "%s passes dockerfilelint",
    (path) => {
      const result = dockerfilelint(path);
      expect(result.ok, result.output).toBe(true);
    },
    LINTER_TIMEOUT_MS,
  );

  const cases = DOCKERFILES.flatMap((path) => ruleNames.map((rule) => ({ path, rule })));
  test.each(cases)("$path $rule", async ({ path, rule }) => {
    const stages = stagesOf(parseDockerfile(await readText(path)));
    expect(dockerfileRules[rule]?.(stages)).toEqual([]);
  });

  test.each(DOCKERFILES)("%s pins its Dockerfile frontend by digest", async (path) => {
    expect(unpinnedSyntaxDirective(await readText(path))).toEqual([]);
  });

  test.each(DOCKERFILES)("%s copies only what its own folder holds", async (path) => {
    const ignore = parseDockerignore(await readText(ignoreFileFor(path)));
    const context = join(ROOT, contextOf(path));
    expect(missingFromContext(parseDockerfile(await readText(path)), context, ignore)).toEqual([]);
  });

  test.each(DOCKERFILES)("%s copies no file of the workspace root", async (path) => {
    expect(workspaceSources(await stagesIn(path))).toEqual([]);
  });

  test.each(DOCKERFILES)("%s takes the .npmrc only as a secret mount", async (path) => {
    expect(npmrcProblems(await stagesIn(path))).toEqual([]);
  });

  test.each(DOCKERFILES)(
    "%s installs frozen from the folder's bun.lock when it has one",
    async (path) => {
      expect(lockfileProblems(await stagesIn(path))).toEqual([]);
    },
  );

  test.each(DOCKERFILES)("%s installs nothing test-only in its build stage", async (path) => {
    const installs = bunInstalls(await stagesIn(path));
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) {
      const manifest = join(ROOT, contextOf(path), install.dir, "package.json");
      const found = testOnlyInstalled(
        install,
        (await Bun.file(manifest).json()) as Manifest,
        TEST_ONLY_PACKAGES,
      );
      expect(found, `line ${install.line} in ${install.dir}`).toEqual([]);
    }
  });

  test.each(DOCKERFILES)("%s has a .dockerignore in its folder", (path) => {
    expect(existsSync(join(ROOT, ignoreFileFor(path)))).toBe(true);
    expect(existsSync(join(ROOT, `${path}.dockerignore`))).toBe(false);
  });

  const leftOut = [
    "node_modules/zod/index.js",
    "web/node_modules/vite/index.js",
    "dist/app",
    "web/dist/index.html",
    ".data/pg/x",
    "test/app.test.ts",
    "src/rest/routes.test.ts",
    ".env",
    ".env.local",
    ".npmrc",
  ];
  test.each(DOCKERFILES)(
    "%s's .dockerignore keeps installs, builds, data, tests and secrets out",
    async (path) => {
      const ignore = parseDockerignore(await readText(ignoreFileFor(path)));
      expect(leftOut.filter((file) => !ignore.isExcluded(file))).toEqual([]);
    },
  );
});

const DIGEST_A = `sha256:${"a".repeat(64)}`;
const DIGEST_B = `sha256:${"b".repeat(64)}`;
/** Follows every rule; each broken sample below changes one thing. */
const GOOD = `# syntax=docker/dockerfile:1.7
FROM node:22-bookworm-slim@${DIGEST_A} AS build
RUN bun run generate \\
 && bun run --filter @trellis/notes build
FROM gcr.io/distroless/cc-debian12:nonroot@${DIGEST_B}
LABEL org.opencontainers.image.title="notes" \\
      org.opencontainers.image.description="d" \\
      org.opencontainers.image.source="https://example.com" \\
      org.opencontainers.image.licenses="MIT" \\
      org.opencontainers.image.version="1" \\
      org.opencontainers.image.revision="r"
COPY --from=build /app/dist/ /app/
USER 65532:65532
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s CMD ["/app/notes", "--healthcheck"]
ENTRYPOINT ["/app/notes"]
`;

function broken(from: string, to: string): string {
  if (!GOOD.includes(from)) {
    throw new Error(`the good sample has no ${from}`);
  }
  return GOOD.replace(from, to);
}

const brokenSamples: { rule: string; text: string }[] = [
  {
    rule: "builds in a stage of its own with the package's build script",
    text: broken("bun run --filter @trellis/notes build", "bun build src/main.ts --compile"),
  },
  { rule: "pins every base image by digest", text: broken(`@${DIGEST_A}`, "") },
  { rule: "runs as a non-root user", text: broken("USER 65532:65532", "USER root") },
  { rule: "runs as a non-root user", text: broken("USER 65532:65532\n", "") },
  {
    rule: "checks its health with its own binary",
    text: broken('CMD ["/app/notes", "--healthcheck"]', "CMD curl -f http://localhost/"),
  },
  { rule: "stops on SIGTERM", text: broken("STOPSIGNAL SIGTERM", "STOPSIGNAL SIGKILL") },
  {
    rule: "carries the OCI labels",
    text: broken('org.opencontainers.image.source="https://example.com"', 'source="x"'),
  },
];

describe("the Dockerfile rules can fail", () => {
  test.each(ruleNames)("the good sample passes %s", (rule) => {
    expect(dockerfileRules[rule]?.(stagesOf(parseDockerfile(GOOD)))).toEqual([]);
  });

  test.each(brokenSamples)("a broken sample fails $rule", ({ rule, text }) => {
    expect(dockerfileRules[rule]?.(stagesOf(parseDockerfile(text))).length).toBeGreaterThan(0);
  });

  test("an unpinned # syntax= directive fails", () => {
    expect(unpinnedSyntaxDirective(GOOD)).toEqual(["# syntax=docker/dockerfile:1.7 is not pinned"]);
    expect(unpinnedSyntaxDirective(GOOD.replace("1.7", `1.7@${DIGEST_A}`))).toEqual([]);
  });

  test("every rule has a broken sample", () => {
    expect(new Set(brokenSamples.map((sample) => sample.rule))).toEqual(new Set(ruleNames));
  });

  test(
    "dockerfilelint fails an untagged base and a blocking apt-get",
    () => {
      const result = lintText(
        dockerfilelint,
        "Dockerfile",
        "FROM ubuntu\nRUN apt-get install curl\n",
      );
      expect(result.ok).toBe(false);
      expect(result.output).toContain("Base Image Missing");
    },
    LINTER_TIMEOUT_MS,
  );
});

/** An image built from its own folder, following the rules of image-build-rules.ts. */
const FOLDER_BUILD = `FROM scratch AS local-packages
FROM node:22-bookworm-slim@${DIGEST_A} AS build
WORKDIR /app
COPY package.json bun.lock* ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc \\
    frozen=""; if [ -f bun.lock ]; then frozen=--frozen-lockfile; fi; \\
    bun install --production $frozen
COPY . .
RUN bun run build
FROM gcr.io/distroless/cc-debian12:nonroot@${DIGEST_B}
COPY --from=build /app/dist/ /app/
`;
const folderStages = (from = "", to = "") => {
  if (!FOLDER_BUILD.includes(from)) {
    throw new Error(`the folder build sample has no ${from}`);
  }
  return stagesOf(parseDockerfile(FOLDER_BUILD.replace(from, to)));
};
const MANIFEST: Manifest = {
  dependencies: { zod: "4.6.7" },
  devDependencies: { "@trellis/testing": "^0.1.0", testcontainers: "12.2.0" },
};

describe("the folder build rules can fail", () => {
  test("the good sample passes them all", () => {
    const stages = folderStages();
    expect(workspaceSources(stages)).toEqual([]);
    expect(npmrcProblems(stages)).toEqual([]);
    expect(lockfileProblems(stages)).toEqual([]);
    const [install] = bunInstalls(stages);
    expect(install?.dir).toBe(".");
    expect(install && testOnlyInstalled(install, MANIFEST, TEST_ONLY_PACKAGES)).toEqual([]);
  });

  const workspaceCopies = [
    "COPY tsconfig.base.json ./",
    "COPY patches patches",
    "COPY contracts/package.json contracts/",
    "COPY ../service-kit service-kit",
  ];
  test.each(workspaceCopies)("%s is a workspace file", (copy) => {
    expect(workspaceSources(folderStages("COPY . .", copy)).length).toBe(1);
  });

  const npmrcLeaks = [
    { name: "a copied .npmrc", from: "COPY . .", to: "COPY .npmrc ./" },
    { name: "a token build argument", from: "WORKDIR /app", to: "WORKDIR /app\nARG NPM_TOKEN" },
    { name: "a token in ENV", from: "WORKDIR /app", to: "WORKDIR /app\nENV NODE_AUTH_TOKEN=x" },
    {
      name: "an install without the secret",
      from: "--mount=type=secret,id=npmrc,target=/root/.npmrc",
      to: "",
    },
    { name: "an .npmrc written by RUN", from: "RUN bun run build", to: "RUN echo x > .npmrc" },
  ];
  test.each(npmrcLeaks)("$name is an npmrc problem", ({ from, to }) => {
    expect(npmrcProblems(folderStages(from, to)).length).toBeGreaterThan(0);
  });

  const lockfileMisses = [
    { name: "no lockfile copied", from: "package.json bun.lock* ./", to: "package.json ./" },
    { name: "never frozen", from: "then frozen=--frozen-lockfile; ", to: "then frozen=; " },
    {
      name: "frozen with no lockfile",
      from: "bun install --production $frozen",
      to: "bun install --production --frozen-lockfile",
    },
  ];
  test.each(lockfileMisses)("$name is a lockfile problem", ({ from, to }) => {
    expect(lockfileProblems(folderStages(from, to)).length).toBeGreaterThan(0);
  });

  test("an install with devDependencies brings the test-only ones", () => {
    const [install] = bunInstalls(folderStages("--production $frozen", "$frozen"));
    expect(install && testOnlyInstalled(install, MANIFEST, TEST_ONLY_PACKAGES)).toEqual([
      "@trellis/testing",
      "testcontainers",
    ]);
  });

  test("an install finds its folder through cd, and a subshell's cd ends with it", () => {
    const stages = folderStages(
      "RUN bun run build",
      "RUN (cd web && bun install) && bun install && cd web && bun install --production",
    );
    expect(bunInstalls(stages).map((i) => [i.dir, i.args])).toEqual([
      [".", "--production $frozen"],
      ["web", ""],
      [".", ""],
      ["web", "--production"],
    ]);
  });

  test("a manifest entry the RUN deletes is not installed", () => {
    const [, install] = bunInstalls(
      folderStages(
        "RUN bun run build",
        `RUN node -e 'delete pkg.devDependencies["@trellis/testing"]' && bun install`,
      ),
    );
    expect(install && testOnlyInstalled(install, MANIFEST, TEST_ONLY_PACKAGES)).toEqual([
      "testcontainers",
    ]);
  });
});

const contextCases = [
  {
    name: "passes a file the context keeps",
    copy: "package.json ./",
    ignore: "*\n!package.json",
    want: 0,
  },
  { name: "reports a missing source", copy: "no-such-file.txt ./", ignore: "", want: 1 },
  {
    name: "reports an excluded file",
    copy: ".env.example ./",
    ignore: "*\n!.env.example\n**/.env*",
    want: 1,
  },
  {
    name: "reports a folder left empty",
    copy: "contracts contracts",
    ignore: "*\n!package.json",
    want: 1,
  },
  { name: "skips a copy from another stage", copy: "--from=build /nope /x", ignore: "*", want: 0 },
  { name: "reports a source outside the context", copy: "../bun.lock ./", ignore: "", want: 1 },
  {
    name: "lets a wildcard match nothing",
    copy: "package.json no-such.lock* ./",
    ignore: "",
    want: 0,
  },
];

test.each(contextCases)("the build context check $name", ({ copy, ignore, want }) => {
  const problems = missingFromContext(
    parseDockerfile(`COPY ${copy}`),
    ROOT,
    parseDockerignore(ignore),
  );
  expect(problems.length).toBe(want);
});
