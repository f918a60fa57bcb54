import {
  type PgbenchResult,
  preparePgbench,
  preparePgbenchInsert,
  runPgbench,
} from "./baselines.ts";
import { prepareWrkLoad, runRecord, type WrkLoad } from "./closed-loop.ts";
import { measureDecay } from "./decay.ts";
import { fixedRateRecord, runFixedRate } from "./fixed-rate.ts";
import {
  ensureAlive,
  failed,
  formatRate,
  type Measured,
  measureRuns,
  progress,
  round,
  type Targets,
  urlOf,
} from "./measure-runs.ts";
import { preflight } from "./preflight.ts";
import type {
  FixedRateScenario,
  PgbenchScenario,
  Scenario,
  WrkScenario,
} from "./scenario-kinds.ts";
import type { ScenarioResult } from "./scenario-result.ts";
import { measureSoak } from "./soak.ts";
import { SESSION_COOKIE } from "./stack.ts";
import { type Snapshot, snapshot } from "./usage.ts";
import { type WrkResult, wrkErrorCount, wrkErrorDetail } from "./wrk.ts";

// One scenario from start to end: a check that the request answers as expected, the warm-up,
// the measured runs, and what the processes used meanwhile.

export type { Targets } from "./measure-runs.ts";
export { progress } from "./measure-runs.ts";

export async function measure(scenario: Scenario, targets: Targets): Promise<ScenarioResult> {
  switch (scenario.kind) {
    case "pgbench":
      return measurePgbench(scenario, targets);
    case "wrk":
      return measureWrk(scenario, targets);
    case "decay":
      return measureDecay(scenario, targets);
    case "fixed-rate":
      return measureFixedRate(scenario, targets);
    case "soak":
      return measureSoak(scenario, targets);
  }
}

async function measureWrk(scenario: WrkScenario, targets: Targets): Promise<ScenarioResult> {
  const { warmupS, runs, runS } = runLengths(scenario, targets);
  const load = await prepareWrkLoad(scenario, targets);
  if (typeof load === "string") {
    return failed(scenario, load);
  }
  return measureRuns(scenario, targets, async (warmedUp) => {
    progress(`${scenario.name}: warm-up ${warmupS} s`);
    await load(warmupS);
    warmedUp();
    const results: WrkResult[] = [];
    for (let run = 1; run <= runs; run++) {
      ensureAlive(targets);
      results.push(reportRun(scenario, run, runs, await load(runS)));
    }
    return measuredWrk(results);
  });
}

/**
 * Closed-loop scenarios in turns: every warm-up, then run 1 of each, run 2 of each... so that a
 * drift of the machine's speed falls on all of them alike. Each still gets its own result: CPU
 * and RSS are per process, and each has its own server. One whose request fails by hand reports
 * that, and the others run without it.
 */
export async function measureInTurns(
  group: WrkScenario[],
  targets: Targets,
): Promise<ScenarioResult[]> {
  const results = new Map<WrkScenario, ScenarioResult>();
  const ready: { scenario: WrkScenario; load: WrkLoad }[] = [];
  for (const scenario of group) {
    const load = await prepareWrkLoad(scenario, targets);
    if (typeof load === "string") {
      results.set(scenario, failed(scenario, load));
    } else {
      ready.push({ scenario, load });
    }
  }
  const measured =
    ready.length === 1 && ready[0] !== undefined
      ? [await measureWrk(ready[0].scenario, targets)]
      : await runInTurns(ready, targets);
  ready.forEach(({ scenario }, index) => {
    const result = measured[index];
    if (result !== undefined) {
      results.set(scenario, result);
    }
  });
  return group.flatMap((scenario) => results.get(scenario) ?? []);
}

/**
 * The turns themselves. Each scenario's `measureRuns` is nested in the one before it, so that
 * each records its RSS around all of them and its CPU over its own runs only; the innermost
 * does the warm-ups and the turns.
 */
async function runInTurns(
  ready: { scenario: WrkScenario; load: WrkLoad }[],
  targets: Targets,
): Promise<ScenarioResult[]> {
  const first = ready[0];
  if (first === undefined) {
    return [];
  }
  const { warmupS, runs, runS } = runLengths(first.scenario, targets);
  const runsOf = ready.map((): WrkResult[] => []);
  const intervalsOf = ready.map((): [Snapshot, Snapshot][] => []);
  const turns = async (): Promise<void> => {
    progress(`${ready.map(({ scenario }) => scenario.name).join(", ")}: warm-up ${warmupS} s each`);
    for (const { load } of ready) {
      await load(warmupS);
    }
    for (let run = 1; run <= runs; run++) {
      ensureAlive(targets);
      for (const [index, { scenario, load }] of ready.entries()) {
        const start = snapshot(targets.processes);
        const result = await load(runS);
        intervalsOf[index]?.push([start, snapshot(targets.processes)]);
        runsOf[index]?.push(reportRun(scenario, run, runs, result));
      }
    }
  };
  const results: ScenarioResult[] = [];
  const nest = async (index: number): Promise<void> => {
    const member = ready[index];
    if (member === undefined) {
      await turns();
      return;
    }
    results[index] = await measureRuns(member.scenario, targets, async () => {
      await nest(index + 1);
      return { ...measuredWrk(runsOf[index] ?? []), intervals: intervalsOf[index] ?? [] };
    });
  };
  await nest(0);
  return results;
}

function runLengths(
  scenario: WrkScenario,
  targets: Targets,
): { warmupS: number; runs: number; runS: number } {
  return scenario.runLength === "short" ? targets.options.shortRuns : targets.options;
}

function reportRun(scenario: WrkScenario, run: number, runs: number, result: WrkResult): WrkResult {
  progress(
    `${scenario.name}: run ${run}/${runs}: ${formatRate(result.requestsPerSecond)} ` +
      `req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms` +
      (wrkErrorCount(result) > 0 ? `, ${wrkErrorDetail(result)}` : ""),
  );
  return result;
}

function measuredWrk(results: WrkResult[]): Measured {
  return {
    runs: results.map(runRecord),
    generatorCpuSeconds: results.reduce((sum, result) => sum + result.generatorCpuSeconds, 0),
  };
}

async function measurePgbench(
  scenario: PgbenchScenario,
  targets: Targets,
): Promise<ScenarioResult> {
  const { options } = targets;
  const { script } = scenario;
  progress(
    script === "select-only"
      ? `${scenario.name}: pgbench -i -s 1 on a scratch database`
      : `${scenario.name}: a notes table on a scratch database`,
  );
  const url =
    script === "select-only"
      ? await preparePgbench(options.adminUrl)
      : await preparePgbenchInsert(options.adminUrl);
  return measureRuns(scenario, targets, async (warmedUp) => {
    progress(`${scenario.name}: warm-up ${options.warmupS} s`);
    await runPgbench(url, options.warmupS, script);
    warmedUp();
    const results: PgbenchResult[] = [];
    for (let run = 1; run <= options.runs; run++) {
      const result = await runPgbench(url, options.runS, script);
      progress(
        `${scenario.name}: run ${run}/${options.runs}: ${formatRate(result.tps)} TPS, ` +
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
    };
  });
}

async function measureFixedRate(
  scenario: FixedRateScenario,
  targets: Targets,
): Promise<ScenarioResult> {
  const { options } = targets;
  const url = `${urlOf(targets, "gateway", scenario)}${scenario.path}`;
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
      requests: [{ method: "GET", url }],
      rate,
      durationS,
      warmupS,
      ...(scenario.signedIn && targets.tokensFile !== null
        ? { tokensFile: targets.tokensFile, cookieName: SESSION_COOKIE }
        : {}),
    });
    const record = fixedRateRecord(result);
    progress(
      `${scenario.name}: ${formatRate(result.achievedRate)} req/s, p50 ${round(result.latencyMs.p50)} ms, ` +
        `p99 ${round(result.latencyMs.p99)} ms, ${record.errors} errors`,
    );
    return { runs: [record], generatorCpuSeconds: result.generatorCpuSeconds, fixedRate: result };
  });
}
