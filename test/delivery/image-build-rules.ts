// What makes an image build from its own folder, as it would in a repository of its own: no file
// of the workspace root, the registry's .npmrc only as a secret mount, the folder's lockfile when
// it has one, and no test-only package installed. Read from the Dockerfile's text, no engine.
import type { Instruction, Stage } from "./dockerfile.ts";
import { wordsOf } from "./dockerfile.ts";

/** What only the workspace root has: a Dockerfile built from its own folder never reads these. */
export const WORKSPACE_ONLY = [
  "tsconfig.base.json",
  "patches",
  "contracts",
  "service-kit",
  "testing",
  "biome-config",
  "services",
  "service-template",
  "gateway",
];

/** A `bun install` in a build stage: the folder (relative to the package's) and its flags. */
export interface BunInstall {
  line: number;
  dir: string;
  args: string;
  /** The whole RUN it is part of. */
  run: Instruction;
}

/** The COPY/ADD sources (from the context, not another stage) that name a workspace-only path. */
export function workspaceSources(stages: Stage[]): string[] {
  return contextCopies(stages).flatMap((copy) =>
    copySources(copy)
      .filter((source) => {
        const top = source.replace(/^\.\//, "").split("/")[0] ?? "";
        return WORKSPACE_ONLY.includes(top) || source.split("/").includes("..");
      })
      .map((source) => `line ${copy.line}: COPY ${source}`),
  );
}

/** Where an .npmrc or a registry token could reach a layer, or an install could miss the secret. */
export function npmrcProblems(stages: Stage[]): string[] {
  const all = stages.flatMap((stage) => stage.instructions);
  const problems: string[] = [];
  for (const copy of contextCopies(stages)) {
    for (const source of copySources(copy).filter((s) => /npmrc/i.test(s))) {
      problems.push(`line ${copy.line}: COPY ${source} bakes the .npmrc into a layer`);
    }
  }
  for (const i of all.filter((i) => i.keyword === "ARG" || i.keyword === "ENV")) {
    if (/(TOKEN|NPMRC|AUTH|PASSWORD|SECRET)\w*\s*=?/i.test(i.args)) {
      problems.push(`line ${i.line}: ${i.keyword} ${i.args} passes a secret as a build value`);
    }
  }
  for (const run of all.filter((i) => i.keyword === "RUN")) {
    if (/(>|\btee\b)\s*\S*\.npmrc/.test(run.args)) {
      problems.push(`line ${run.line}: RUN writes an .npmrc`);
    }
    if (
      /\bbun install\b/.test(run.args) &&
      !/--mount=type=secret,id=npmrc,target=\S*\.npmrc/.test(run.args)
    ) {
      problems.push(`line ${run.line}: bun install without the npmrc secret mounted`);
    }
  }
  return problems;
}

/**
 * Every `bun install` of the build stages with the folder it runs in, relative to the package's
 * (the stage's WORKDIR, where the context is copied): a `cd` in the RUN moves it, one inside a
 * subshell only until the subshell ends.
 */
export function bunInstalls(stages: Stage[]): BunInstall[] {
  return stages
    .slice(0, -1)
    .flatMap((stage) => stage.instructions.filter((i) => i.keyword === "RUN"))
    .flatMap((run) => installsIn(shellScript(run.args), ".", run));
}

/** The installs of a script run from `dir`; a subshell's `cd` ends with it. */
function installsIn(script: Script, start: string, run: Instruction): BunInstall[] {
  const found: BunInstall[] = [];
  let dir = start;
  for (const command of script.commands) {
    for (const [, index] of command.matchAll(/@@(\d+)@@/g)) {
      const inner = script.subshells[Number(index)];
      if (inner !== undefined) {
        found.push(...installsIn({ commands: inner, subshells: script.subshells }, dir, run));
      }
    }
    const plain = command.replace(/@@\d+@@/g, "").trim();
    const cd = /^cd\s+(\S+)$/.exec(plain);
    if (cd?.[1] !== undefined) {
      dir = dir === "." ? cd[1] : `${dir}/${cd[1]}`;
    }
    const install = /^bun install\b(.*)$/.exec(plain);
    if (install) {
      found.push({ line: run.line, dir, args: (install[1] ?? "").trim(), run });
    }
  }
  return found;
}

/** The first install, in the package's own folder: the one the lockfile belongs to. */
export function packageInstall(stages: Stage[]): BunInstall | undefined {
  return bunInstalls(stages).find((install) => install.dir === ".");
}

/** What keeps the package's install from using the folder's bun.lock, frozen, when it has one. */
export function lockfileProblems(stages: Stage[]): string[] {
  const install = packageInstall(stages);
  if (install === undefined) {
    return ["no bun install in the package's folder"];
  }
  const problems: string[] = [];
  const copiedBefore = contextCopies(stages)
    .filter((copy) => copy.line < install.line)
    .flatMap(copySources);
  if (!copiedBefore.some((source) => /^(\.\/)?bun\.lock\*?$/.test(source))) {
    problems.push(`no COPY of bun.lock (or bun.lock*) before the install on line ${install.line}`);
  }
  const frozenAlways = /--frozen-lockfile/.test(install.args);
  const frozenWhenLocked =
    /\[ -f bun\.lock \]/.test(install.run.args) && /--frozen-lockfile/.test(install.run.args);
  if (!frozenAlways && !frozenWhenLocked) {
    problems.push(`line ${install.line}: the install is not --frozen-lockfile with a bun.lock`);
  }
  if (frozenAlways) {
    problems.push(`line ${install.line}: --frozen-lockfile even where the folder has no bun.lock`);
  }
  return problems;
}

/** Manifest fields a build's installs read, per install: what would be installed. */
export interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * The test-only packages an install would put into the build stage: its manifest's dependencies,
 * and its devDependencies unless it runs with --production, less those the RUN deletes from the
 * manifest first (`delete pkg.devDependencies["name"]`).
 */
export function testOnlyInstalled(
  install: BunInstall,
  manifest: Manifest,
  testOnly: readonly string[],
): string[] {
  const production = /--production\b/.test(install.args);
  const deleted = [...install.run.args.matchAll(/delete pkg\.devDependencies\["([^"]+)"\]/g)].map(
    (match) => match[1],
  );
  const names = [
    ...Object.keys(manifest.dependencies ?? {}),
    ...(production ? [] : Object.keys(manifest.devDependencies ?? {})),
  ].filter((name) => !deleted.includes(name));
  return names.filter((name) => testOnly.includes(name)).sort();
}

function contextCopies(stages: Stage[]): Instruction[] {
  return stages
    .flatMap((stage) => stage.instructions)
    .filter((i) => (i.keyword === "COPY" || i.keyword === "ADD") && !/--from=/.test(i.args));
}

function copySources(copy: Instruction): string[] {
  return wordsOf(copy.args)
    .filter((word) => !word.startsWith("--"))
    .slice(0, -1);
}

interface Script {
  commands: string[];
  /** Each subshell's (and command substitution's) commands, by the index its placeholder names. */
  subshells: string[][];
}

/**
 * A RUN's shell commands, split on && ; || (and `then`, `else`, `do` dropped), with quoted text
 * emptied and each `( ... )` replaced by a placeholder for its own commands.
 */
function shellScript(args: string): Script {
  let text = args.replace(/--mount=\S+/g, "").replace(/'[^']*'/g, "''");
  const subshells: string[][] = [];
  for (let before = ""; before !== text; ) {
    before = text;
    text = text.replace(/\(([^()]*)\)/g, (_, inner: string) => {
      subshells.push(splitCommands(inner));
      return `@@${subshells.length - 1}@@`;
    });
  }
  return { commands: splitCommands(text), subshells };
}

function splitCommands(text: string): string[] {
  return text
    .split(/&&|\|\||;/)
    .map((command) =>
      command
        .trim()
        .replace(/^(then|else|do)\s+/, "")
        .trim(),
    )
    .filter((command) => command !== "");
}
