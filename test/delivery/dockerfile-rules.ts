import type { Instruction, Stage } from "./dockerfile.ts";
import { wordsOf } from "./dockerfile.ts";

/** A rule over a Dockerfile's stages: the problems it finds, none when the file follows it. */
export type DockerfileRule = (stages: Stage[]) => string[];

const DIGEST = /@sha256:[0-9a-f]{64}$/;
const REQUIRED_LABELS = [
  "org.opencontainers.image.title",
  "org.opencontainers.image.description",
  "org.opencontainers.image.source",
  "org.opencontainers.image.licenses",
  "org.opencontainers.image.version",
  "org.opencontainers.image.revision",
];

/** Our rules for an image's Dockerfile, by what each one asks. */
export const dockerfileRules: Record<string, DockerfileRule> = {
  "builds in a stage of its own with the package's build script": (stages) => {
    const builders = stages.slice(0, -1).flatMap((stage) => stage.instructions);
    // `bun run build`, or the script itself read from package.json (to add a --target).
    const builds = builders.some(
      (i) =>
        i.keyword === "RUN" && /\bbun run (--filter \S+ )*build\b|\bscripts\.build\b/.test(i.args),
    );
    return stages.length >= 2 && builds ? [] : ["no earlier stage runs the package's build script"];
  },
  "pins every base image by digest": (stages) =>
    stages.flatMap((stage, index) => {
      const image = imageOf(stage.from);
      const earlier = stages.slice(0, index).map((s) => s.name);
      // `scratch` is no image: an empty stage.
      return image === "scratch" || earlier.includes(image) || DIGEST.test(image)
        ? []
        : [`line ${stage.from.line}: FROM ${image} is not pinned by @sha256:<digest>`];
    }),
  "runs as a non-root user": (stages) => {
    const user = last(finalStage(stages), "USER");
    const name = user?.args.split(":")[0]?.trim();
    if (name === undefined) {
      return ["the final stage sets no USER, so it runs as root"];
    }
    return name === "root" || name === "0" ? [`line ${user?.line}: USER ${name} is root`] : [];
  },
  "checks its health with its own binary": (stages) => {
    const stage = finalStage(stages);
    const check = last(stage, "HEALTHCHECK");
    const entrypoint = last(stage, "ENTRYPOINT");
    if (check === undefined || entrypoint === undefined) {
      return ["the final stage needs both HEALTHCHECK and ENTRYPOINT"];
    }
    const command = wordsOf(check.args.replace(/^.*?\bCMD\s+/, ""));
    const binary = wordsOf(entrypoint.args)[0];
    return command[0] === binary && command.includes("--healthcheck")
      ? []
      : [`line ${check.line}: HEALTHCHECK must run ${binary} --healthcheck (exec form)`];
  },
  "stops on SIGTERM": (stages) =>
    last(finalStage(stages), "STOPSIGNAL")?.args.trim() === "SIGTERM"
      ? []
      : ["the final stage has no STOPSIGNAL SIGTERM"],
  "carries the OCI labels": (stages) => {
    const labels = finalStage(stages)
      .instructions.filter((i) => i.keyword === "LABEL")
      .flatMap((i) => [...i.args.matchAll(/([\w.-]+)=/g)].map((match) => match[1]));
    return REQUIRED_LABELS.filter((label) => !labels.includes(label)).map(
      (label) => `the final stage has no LABEL ${label}`,
    );
  },
};

function imageOf(from: Instruction): string {
  return wordsOf(from.args).find((word) => !word.startsWith("--")) ?? "";
}

function finalStage(stages: Stage[]): Stage {
  const stage = stages.at(-1);
  if (stage === undefined) {
    throw new Error("no FROM in the Dockerfile");
  }
  return stage;
}

function last(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.findLast((i) => i.keyword === keyword);
}

/**
 * A `# syntax=` directive makes BuildKit pull that frontend image and let it parse the file: as
 * much a build input as a base image, so it is pinned the same way.
 */
export function unpinnedSyntaxDirective(text: string): string[] {
  const syntax = /^#\s*syntax=(\S+)/.exec(text)?.[1];
  return syntax === undefined || DIGEST.test(syntax) ? [] : [`# syntax=${syntax} is not pinned`];
}
