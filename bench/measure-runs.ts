import type { BenchOptions } from "./options.ts";
import type { Child } from "./processes.ts";
import type { ProcessRole, Scenario, ServerName } from "./scenario-kinds.ts";
import {
  type DecayResult,
  describeScenario,
  type FixedRateResult,
  notRun,
  type RunRecord,
  type ScenarioResult,
  type SoakResult,
  summarize,
} from "./scenario-result.ts";
import { joinIntervals, rssOf, type Snapshot, snapshot, usageBetween } from "./usage.ts";

// What every kind of scenario shares: where the servers are, RSS around the scenario and CPU
// around its measured part, the processes' logs when it failed, and the progress lines.

export interface Targets {
  options: BenchOptions;
  wrk: string | null;
  /** Each started server's `http://127.0.0.1:<port>`. */
  urls: Partial<Record<ServerName, string>>;
  /** Why a server is not there (the NestJS peer failed to install, build or start). */
  unavailable: Partial<Record<ServerName, string>>;
  /** One session token a line, for wrk's script and the fixed-rate generator. */
  tokensFile: string | null;
  firstToken: string | null;
  processes: Partial<Record<ProcessRole, Child>>;
}

/** What a scenario's measured part produced, besides the usage `measureRuns` records. */
export interface Measured {
  runs: RunRecord[];
  generatorCpuSeconds: number;
  fixedRate?: FixedRateResult;
  decay?: DecayResult;
  soak?: SoakResult;
  /**
   * The intervals CPU is to be counted over, when not from `warmedUp` to the end: the runs of a
   * scenario taken in turns with another.
   */
  intervals?: [Snapshot, Snapshot][];
}

/**
 * RSS around everything, CPU around the measured part: `body` calls `warmedUp` where it starts
 * (the fixed-rate generator warms up inside its own run, which is then counted too).
 */
export async function measureRuns(
  scenario: Scenario,
  targets: Targets,
  body: (warmedUp: () => void) => Promise<Measured>,
): Promise<ScenarioResult> {
  ensureAlive(targets);
  const marks = new Map(
    Object.values(targets.processes).map((child) => [child, child.outputMark()] as const),
  );
  const rssBefore = rssOf(targets.processes, scenario.processes);
  let before = snapshot(targets.processes);
  const measured = await body(() => {
    before = snapshot(targets.processes);
  });
  let after = snapshot(targets.processes);
  if (measured.intervals !== undefined) {
    [before, after] = joinIntervals(measured.intervals);
  }
  const rssAfter = rssOf(targets.processes, scenario.processes);
  ensureAlive(targets);
  const { runs } = measured;
  const failedRuns = runs.filter((run) => run.errors > 0);
  const logs: ScenarioResult["logs"] = {};
  for (const [role, child] of Object.entries(targets.processes) as [ProcessRole, Child][]) {
    const text = failedRuns.length > 0 ? child.outputSince(marks.get(child) ?? 0) : "";
    if (text.trim() !== "") {
      logs[role] = text.slice(-8_000);
    }
  }
  return {
    ...describeScenario(scenario),
    runs,
    summary: summarize(runs),
    fixedRate: measured.fixedRate ?? null,
    decay: measured.decay ?? null,
    soak: measured.soak ?? null,
    usage: usageBetween(before, after, measured.generatorCpuSeconds, {
      roles: scenario.processes,
      before: rssBefore,
      after: rssAfter,
    }),
    failure:
      failedRuns.length === 0
        ? null
        : `${failedRuns.length} of ${runs.length} runs had errors: ` +
          failedRuns.map((run) => run.errorDetail).join("; "),
    logs,
  };
}

/** The base URL of a server the scenario needs; throws when it was not started. */
export function urlOf(targets: Targets, server: ServerName, scenario: Scenario): string {
  const url = targets.urls[server];
  if (url === undefined) {
    throw new Error(`${scenario.name}: ${server} was not started`);
  }
  return url;
}

export function failed(scenario: Scenario, failure: string): ScenarioResult {
  progress(`${scenario.name}: FAILED before any load: ${failure}`);
  return notRun(scenario, failure);
}

/** A process of the stack that died makes every later number meaningless: stop the bench. */
export function ensureAlive(targets: Targets): void {
  for (const child of Object.values(targets.processes)) {
    if (child !== undefined && !child.running()) {
      throw new Error(`${child.name} exited during the bench:\n${child.output().slice(-4000)}`);
    }
  }
}

export function progress(line: string): void {
  console.log(`  ${line}`);
}

export function formatRate(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
