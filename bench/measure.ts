import { type PgbenchResult, preparePgbench, runPgbench } from "./baselines.ts";
import { type FixedRateResult, runFixedRate } from "./fixed-rate.ts";
import type { BenchOptions } from "./options.ts";
import { preflight } from "./preflight.ts";
import type { Child } from "./processes.ts";
import {
  describeScenario,
  notRun,
  type RunRecord,
  type ScenarioResult,
  summarize,
} from "./scenario-result.ts";
import type {
  FixedRateScenario,
  PgbenchScenario,
  ProcessRole,
  Scenario,
  WrkScenario,
} from "./scenarios.ts";
import { SESSION_COOKIE } from "./stack.ts";
import { rssOf, snapshot, usageBetween } from "./usage.ts";
import { runWrk, type WrkResult, wrkErrorCount, wrkErrorDetail } from "./wrk.ts";

// One scenario from start to end: a check that the request answers as expected, the warm-up,
// the measured runs, and what the processes used meanwhile.

export interface Targets {
  options: BenchOptions;
  wrk: string | null;
  gatewayUrl: string | null;
  baselineUrl: string | null;
  /** One session token a line, for wrk's script and the fixed-rate generator. */
  tokensFile: string | null;
  firstToken: string | null;
  processes: Partial<Record<ProcessRole, Child>>;
}

const WRK_SCRIPT = `${import.meta.dir}/wrk/requests.lua`;

export async function measure(scenario: Scenario, targets: Targets): Promise<ScenarioResult> {
  switch (scenario.kind) {
    case "pgbench":
      return measurePgbench(scenario, targets);
    case "wrk":
      return measureWrk(scenario, targets);
    case "fixed-rate":
      return measureFixedRate(scenario, targets);
  }
}

async function measureWrk(scenario: WrkScenario, targets: Targets): Promise<ScenarioResult> {
  const { options } = targets;
  const base = scenario.target === "gateway" ? targets.gatewayUrl : targets.baselineUrl;
  if (base === null || targets.wrk === null) {
    throw new Error(`${scenario.name}: its server was not started`);
  }
  const wrk = targets.wrk;
  const url = `${base}${scenario.path}`;
  const problem = await preflight({
    method: scenario.method,
    url,
    expectedStatus: scenario.expectedStatus,
    sessionToken: scenario.signedIn ? targets.firstToken : null,
    body:
      scenario.body === undefined
        ? undefined
        : { json: scenario.body, origin: targets.gatewayUrl ?? "" },
  });
  if (problem !== null) {
    return failed(scenario, problem);
  }
  const load = (durationS: number): Promise<WrkResult> =>
    runWrk(wrk, {
      url,
      durationS,
      ...options.wrk,
      script: scenario.countStatuses
        ? { path: WRK_SCRIPT, args: wrkArgs(scenario, targets) }
        : undefined,
    });
  return measureRuns(scenario, targets, async (warmedUp) => {
    progress(`${scenario.name}: warm-up ${options.warmupS} s`);
    await load(options.warmupS);
    warmedUp();
    const results: WrkResult[] = [];
    for (let run = 1; run <= options.runs; run++) {
      ensureAlive(targets);
      const result = await load(options.runS);
      progress(
        `${scenario.name}: run ${run}/${options.runs}: ${formatRate(result.requestsPerSecond)} ` +
          `req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms` +
          (wrkErrorCount(result) > 0 ? `, ${wrkErrorDetail(result)}` : ""),
      );
      results.push(result);
    }
    return {
      runs: results.map((result) => ({
        requestsPerSecond: result.requestsPerSecond,
        latencyMs: {
          p50: result.latencyMs.p50,
          p90: result.latencyMs.p90,
          p99: result.latencyMs.p99,
        },
        errors: wrkErrorCount(result),
        errorDetail: wrkErrorCount(result) > 0 ? wrkErrorDetail(result) : null,
      })),
      generatorCpuSeconds: results.reduce((sum, result) => sum + result.generatorCpuSeconds, 0),
      fixedRate: null,
    };
  });
}

async function measurePgbench(
  scenario: PgbenchScenario,
  targets: Targets,
): Promise<ScenarioResult> {
  const { options } = targets;
  progress("pgbench: pgbench -i -s 1 on a scratch database");
  const url = await preparePgbench(options.adminUrl);
  return measureRuns(scenario, targets, async (warmedUp) => {
    progress(`pgbench: warm-up ${options.warmupS} s`);
    await runPgbench(url, options.warmupS);
    warmedUp();
    const results: PgbenchResult[] = [];
    for (let run = 1; run <= options.runs; run++) {
      const result = await runPgbench(url, options.runS);
      progress(
        `pgbench: run ${run}/${options.runs}: ${formatRate(result.tps)} TPS, ` +
          `average ${result.latencyAverageMs} ms`,
      );
      results.push(result);
    }
    return {
      runs: results.map((result) => ({
        requestsPerSecond: result.tps,
        latencyMs: { average: result.latencyAverageMs },
        errors: result.failed,
        errorDetail: result.failed > 0 ? `${result.failed} failed transactions` : null,
      })),
      generatorCpuSeconds: results.reduce((sum, result) => sum + result.generatorCpuSeconds, 0),
      fixedRate: null,
    };
  });
}

async function measureFixedRate(
  scenario: FixedRateScenario,
  targets: Targets,
): Promise<ScenarioResult> {
  const { options } = targets;
  if (targets.gatewayUrl === null) {
    throw new Error(`${scenario.name}: the gateway was not started`);
  }
  const url = `${targets.gatewayUrl}${scenario.path}`;
  const problem = await preflight({
    method: "GET",
    url,
    expectedStatus: 200,
    sessionToken: scenario.signedIn ? targets.firstToken : null,
  });
  if (problem !== null) {
    return failed(scenario, problem);
  }
  return measureRuns(scenario, targets, async () => {
    const { rate, durationS, warmupS } = options.fixedRate;
    progress(`${scenario.name}: ${rate} req/s for ${warmupS} s (warm-up) + ${durationS} s`);
    const result = await runFixedRate({
      url,
      rate,
      durationS,
      warmupS,
      ...(scenario.signedIn && targets.tokensFile !== null
        ? { tokensFile: targets.tokensFile, cookieName: SESSION_COOKIE }
        : {}),
    });
    const errors = Object.values(result.errors).reduce((sum, count) => sum + count, 0);
    progress(
      `${scenario.name}: ${formatRate(result.achievedRate)} req/s, p50 ${round(result.latencyMs.p50)} ms, ` +
        `p99 ${round(result.latencyMs.p99)} ms, ${errors} errors`,
    );
    return {
      runs: [
        {
          requestsPerSecond: result.achievedRate,
          latencyMs: {
            p50: result.latencyMs.p50,
            p90: result.latencyMs.p90,
            p99: result.latencyMs.p99,
          },
          errors,
          errorDetail:
            errors > 0 ? JSON.stringify({ ...result.errors, statuses: result.statuses }) : null,
        },
      ],
      generatorCpuSeconds: result.generatorCpuSeconds,
      fixedRate: result,
    };
  });
}

/**
 * RSS around everything, CPU around the measured part: `body` calls `warmedUp` where it starts
 * (the fixed-rate generator warms up inside its own run, which is then counted too).
 */
async function measureRuns(
  scenario: Scenario,
  targets: Targets,
  body: (warmedUp: () => void) => Promise<{
    runs: RunRecord[];
    generatorCpuSeconds: number;
    fixedRate: FixedRateResult | null;
  }>,
): Promise<ScenarioResult> {
  ensureAlive(targets);
  const marks = new Map(
    Object.values(targets.processes).map((child) => [child, child.outputMark()] as const),
  );
  const rssBefore = rssOf(targets.processes, scenario.processes);
  let before = snapshot(targets.processes);
  const { runs, generatorCpuSeconds, fixedRate } = await body(() => {
    before = snapshot(targets.processes);
  });
  const after = snapshot(targets.processes);
  const rssAfter = rssOf(targets.processes, scenario.processes);
  ensureAlive(targets);
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
    fixedRate,
    usage: usageBetween(before, after, generatorCpuSeconds, {
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

function wrkArgs(scenario: WrkScenario, targets: Targets): string[] {
  const tokens = scenario.signedIn ? (targets.tokensFile ?? "") : "-";
  const args = [tokens, SESSION_COOKIE, scenario.method, scenario.path];
  return scenario.body === undefined ? args : [...args, targets.gatewayUrl ?? "", scenario.body];
}

function failed(scenario: Scenario, failure: string): ScenarioResult {
  progress(`${scenario.name}: FAILED before any load: ${failure}`);
  return notRun(scenario, failure);
}

/** A process of the stack that died makes every later number meaningless: stop the bench. */
function ensureAlive(targets: Targets): void {
  for (const child of Object.values(targets.processes)) {
    if (child !== undefined && !child.running()) {
      throw new Error(`${child.name} exited during the bench:\n${child.output().slice(-4000)}`);
    }
  }
}

export function progress(line: string): void {
  console.log(`  ${line}`);
}

function formatRate(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
