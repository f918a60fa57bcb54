import { type CommandResult, runCommand } from "../release/run-command.ts";

/** A known advisory against a dependency, as the registry's bulk advisory endpoint names it. */
export interface Advisory {
  name: string;
  severity: string;
  title: string;
  url: string;
  vulnerableVersions: string;
}

export type AuditOutcome =
  | { kind: "clean" }
  | { kind: "advisories"; advisories: Advisory[] }
  /** The audit did not happen (no answer from the registry, or one Bun could not read). */
  | { kind: "unavailable"; reason: string };

// --prod: dev-only packages never ship. --audit-level sets the exit code; --json gives the
// advisories (of every level) on stdout, and nothing there when the registry could not be asked.
const AUDIT_ARGS = ["audit", "--prod", "--audit-level=high", "--json"];
const FAILING = new Set(["high", "critical"]);
// The whole tree (~240 production packages) is one request, answered in well under a second.
const AUDIT_TIMEOUT_MS = 120_000;

/** Asks the registry's advisory database about the production dependencies in `cwd`'s bun.lock. */
export async function auditProductionDependencies(options: {
  cwd: string;
  env?: Record<string, string | undefined>;
}): Promise<AuditOutcome> {
  const result = await runCommand([process.execPath, ...AUDIT_ARGS], {
    ...options,
    timeoutMs: AUDIT_TIMEOUT_MS,
  });
  return readAudit(result);
}

/** What `bun audit --json` reported, read from its exit code and output. */
export function readAudit(result: CommandResult): AuditOutcome {
  if (result.code === 0) {
    return { kind: "clean" };
  }
  const report = parseReport(result.stdout);
  if (report === null) {
    return { kind: "unavailable", reason: firstLine(result.stderr) ?? `exit code ${result.code}` };
  }
  const advisories = Object.entries(report).flatMap(([name, found]) =>
    found
      .filter((advisory) => FAILING.has(advisory.severity))
      .map((advisory) => ({ name, ...advisory })),
  );
  return advisories.length > 0
    ? { kind: "advisories", advisories }
    : { kind: "unavailable", reason: `bun audit exited ${result.code} and named no high advisory` };
}

type Report = Record<string, Omit<Advisory, "name">[]>;

/** The advisories by package in `bun audit --json`'s output, or null when it printed no report. */
function parseReport(stdout: string): Report | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return null;
  }
  if (!isRecord(parsed)) {
    return null;
  }
  const report: Report = {};
  for (const [name, found] of Object.entries(parsed)) {
    report[name] = (Array.isArray(found) ? found : []).filter(isRecord).map((item) => ({
      severity: String(item.severity),
      title: String(item.title),
      url: String(item.url),
      vulnerableVersions: String(item.vulnerable_versions),
    }));
  }
  return report;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Bun's one-line reason, with any credentials in a registry URL left out. */
function firstLine(stderr: string): string | null {
  const line = stderr.split("\n").find((candidate) => candidate.trim() !== "");
  const withoutCredentials = line?.trim().replace(/\/\/[^/@\s]*@/g, "//");
  return withoutCredentials === undefined ? null : withoutCredentials.slice(0, 300);
}
