import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { ROOT } from "./repo.ts";

/** The linters are separate processes taking a second or two each; more on a busy CI runner. */
export const LINTER_TIMEOUT_MS = 30_000;

/** What a linter said: it passed, or its output. */
export interface LintResult {
  ok: boolean;
  output: string;
}

function run(command: string[]): LintResult {
  const result = Bun.spawnSync(command, { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const output = `${result.stdout.toString()}${result.stderr.toString()}`.trim();
  return { ok: result.exitCode === 0, output };
}

const bin = (name: string): string => join(ROOT, "node_modules/.bin", name);

/** dclint with its default rules; a warning fails too, so the files stay clean. */
export function dclint(path: string): LintResult {
  return run([bin("dclint"), path, "--max-warnings", "0", "--no-color"]);
}

/** action-validator: the workflow schema plus its own checks (exit 1 and JSON on errors). */
export function actionValidator(path: string): LintResult {
  return run([bin("action-validator"), path]);
}

/**
 * dockerfilelint: exits non-zero when it finds an issue. Its settings are the `.dockerfilelintrc`
 * beside the Dockerfile, as in the folder's own repository (none: the defaults).
 */
export function dockerfilelint(path: string): LintResult {
  return run([bin("dockerfilelint"), "--config", dirname(resolve(ROOT, path)), path]);
}

/** Runs a file linter on text that has no file: a throwaway file named `name` in a temp dir. */
export function lintText(
  lint: (path: string) => LintResult,
  name: string,
  text: string,
): LintResult {
  const dir = mkdtempSync(join(tmpdir(), "delivery-"));
  try {
    const path = join(dir, basename(name));
    writeFileSync(path, text);
    return lint(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
