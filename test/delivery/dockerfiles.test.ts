// The images' Dockerfiles, checked without a Docker engine: dockerfilelint, our own rules, and
// a cheap proof that each build context holds what its COPY instructions read. Every rule is
// also run once on a broken sample, since a check that cannot fail proves nothing.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { workspacePackages } from "../../scripts/release/workspace-packages.ts";
import { missingFromContext, workspaceManifestsMissing } from "./build-context.ts";
import { parseDockerfile, stagesOf } from "./dockerfile.ts";
import { dockerfileRules, unpinnedSyntaxDirective } from "./dockerfile-rules.ts";
import { parseDockerignore } from "./dockerignore.ts";
import { dockerfilelint, LINTER_TIMEOUT_MS, lintText } from "./linters.ts";
import { DOCKERFILES, ROOT, readText } from "./repo.ts";

/** BuildKit reads `<Dockerfile>.dockerignore` beside the Dockerfile in place of the root one. */
function ignoreFileFor(dockerfile: string): string {
  const own = `${dockerfile}.dockerignore`;
  return existsSync(join(ROOT, own)) ? own : ".dockerignore";
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

  test.each(DOCKERFILES)("%s copies only what its build context holds", async (path) => {
    const ignore = parseDockerignore(await readText(ignoreFileFor(path)));
    expect(missingFromContext(parseDockerfile(await readText(path)), ROOT, ignore)).toEqual([]);
  });

  test.each(DOCKERFILES)(
    "%s copies, before its install, the manifest of every workspace the root or its package names",
    async (path) => {
      // A frozen install of a pruned workspace stops on a workspace the lockfile lists, a
      // remaining manifest names, and the context lacks (the root's devDependency on the gateway).
      const workspaces = new Map(
        (await workspacePackages(ROOT)).map(({ dir, manifest }) => [
          manifest.name,
          { dir: relative(ROOT, dir), manifest },
        ]),
      );
      const root = await Bun.file(join(ROOT, "package.json")).json();
      const own = await Bun.file(join(ROOT, dirname(path), "package.json")).json();
      const instructions = parseDockerfile(await readText(path));
      expect(workspaceManifestsMissing(instructions, root, own, workspaces)).toEqual([]);
    },
  );

  test.each(DOCKERFILES)("%s has a .dockerignore of its own", (path) => {
    expect(ignoreFileFor(path)).toBe(`${path}.dockerignore`);
  });
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
];

test("the manifest check reports a workspace the root names that no COPY brings in", () => {
  const workspaces = new Map([
    ["@x/gateway", { dir: "gateway", manifest: { dependencies: { "@x/kit": "^1.0.0" } } }],
    ["@x/kit", { dir: "kit", manifest: {} }],
    ["@x/notes", { dir: "notes", manifest: { dependencies: { "@x/kit": "^1.0.0" } } }],
  ]);
  const text = "COPY package.json ./\nCOPY notes/package.json notes/\nRUN bun install\n";
  const before = (copies: string) => parseDockerfile(copies + text);
  const root = { devDependencies: { "@x/gateway": "^1.0.0", yaml: "2.0.0" } };
  const own = { dependencies: { "@x/kit": "^1.0.0" } };
  expect(workspaceManifestsMissing(before(""), root, own, workspaces)).toEqual(["gateway", "kit"]);
  expect(
    workspaceManifestsMissing(
      before("COPY kit/package.json kit/\nCOPY gateway/package.json gateway/\n"),
      root,
      own,
      workspaces,
    ),
  ).toEqual([]);
});

test.each(contextCases)("the build context check $name", ({ copy, ignore, want }) => {
  const problems = missingFromContext(
    parseDockerfile(`COPY ${copy}`),
    ROOT,
    parseDockerignore(ignore),
  );
  expect(problems.length).toBe(want);
});
