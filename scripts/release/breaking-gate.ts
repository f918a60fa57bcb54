import { runCommand } from "./run-command.ts";
import { type Bump, breakingBump, bumpBetween, bumpCovers, largerBump } from "./semver-bump.ts";

/** The protos of the last release: a buf module folder (buf.yaml + proto/) and where it came from. */
export interface Baseline {
  version: string;
  /** "the registry" or "git tag <name>@<version>", for messages. */
  source: string;
  dir: string;
}

export interface GateInput {
  /** The contracts package folder: buf.yaml (breaking: FILE) and proto/. */
  contractsDir: string;
  packageName: string;
  /** The version in the working package.json. */
  version: string;
  baseline: Baseline | null;
  /** The largest pending changeset bump for the package. */
  pending: Bump | null;
  buf: string;
}

/** Whether the change may go in, and one line saying why (and what to do when it may not). */
export interface GateVerdict {
  ok: boolean;
  message: string;
}

interface BufFinding {
  path: string;
  start_line?: number;
  type: string;
  message: string;
}

/**
 * Runs `buf breaking` (the FILE rules of the working buf.yaml) on the working protos against
 * the baseline's, and refuses a breaking change unless the pending changesets, or a version
 * bump already written to package.json, release it as a major (a minor while the major is 0).
 * Throws when buf fails for another reason than finding breaking changes.
 */
export async function checkBreaking(input: GateInput): Promise<GateVerdict> {
  const { baseline, packageName: name } = input;
  if (baseline === null) {
    return { ok: true, message: `${name} has never been released: nothing to compare against` };
  }
  const against = `${name}@${baseline.version} (${baseline.source})`;
  const findings = await breakingChanges(input.buf, input.contractsDir, baseline.dir);
  if (findings.length === 0) {
    return { ok: true, message: `no breaking change against ${against}` };
  }
  const required = breakingBump(baseline.version);
  const given = largerBump(input.pending, bumpBetween(baseline.version, input.version));
  const what = describe(findings);
  if (bumpCovers(given, required)) {
    return { ok: true, message: `breaking change released as ${given}: ${what}` };
  }
  return {
    ok: false,
    message:
      `breaking change against ${against}: ${what}; ` +
      `release it as ${required} (bun run changeset, "${name}": ${required}) ` +
      `or make the change compatible (add a field or an RPC instead, reserve removed numbers)`,
  };
}

async function breakingChanges(buf: string, dir: string, against: string): Promise<BufFinding[]> {
  // Run from the module folder so findings name paths as `proto/...`, not absolute ones.
  const result = await runCommand(
    [buf, "breaking", ".", "--against", against, "--error-format", "json"],
    {
      cwd: dir,
    },
  );
  // buf exits 100 when it found breaking changes, 0 when none, anything else on failure.
  if (result.code !== 0 && result.code !== 100) {
    throw new Error(`buf breaking failed (${result.code}): ${result.stderr}${result.stdout}`);
  }
  return result.stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as BufFinding);
}

function describe(findings: BufFinding[]): string {
  const [first] = findings;
  if (first === undefined) {
    return "";
  }
  const where = `${first.path}${first.start_line === undefined ? "" : `:${first.start_line}`}`;
  const more = findings.length > 1 ? ` (and ${findings.length - 1} more)` : "";
  return `${where} ${first.message} [${first.type}]${more}`;
}
