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
 * Two closed-loop scenarios in turns: both warm-ups, then run 1 of the first, run 1 of the
 * second, run 2 of the first... so that a drift of the machine's speed falls on both alike.
 * Each still gets its own result: CPU and RSS are per process, and each has its own server.
 */
export async function measureInTurns(
  pair: [WrkScenario, WrkScenario],
  targets: Targets,
): Promise<ScenarioResult[]> {
  const [first, second] = pair;
  const firstLoad = await prepareWrkLoad(first, targets);
  const secondLoad = await prepareWrkLoad(second, targets);
  if (typeof firstLoad === "string" || typeof secondLoad === "string") {
    // A scenario whose request fails by hand reports that; the other one runs on its own.
    return [
      typeof firstLoad === "string" ? failed(first, firstLoad) : await measureWrk(first, targets),
      typeof secondLoad === "string"
        ? failed(second, secondLoad)
        : await measureWrk(second, targets),
    ];
  }
  const { warmupS, runs, runS } = runLengths(first, targets);
  const timed = async (load: WrkLoad, into: [Snapshot, Snapshot][]): Promise<WrkResult> => {
    const start = snapshot(targets.processes);
    const result = await load(runS);
    into.push([start, snapshot(targets.processes)]);
    return result;
  };
  let secondResult: ScenarioResult | undefined;
  const firstResult = await measureRuns(first, targets, async () => {
    const firstRuns: WrkResult[] = [];
    const firstIntervals: [Snapshot, Snapshot][] = [];
    secondResult = await measureRuns(second, targets, async () => {
      progress(`${first.name}, ${second.name}: warm-up ${warmupS} s each`);
      await firstLoad(warmupS);
      await secondLoad(warmupS);
      const secondRuns: WrkResult[] = [];
      const secondIntervals: [Snapshot, Snapshot][] = [];
      for (let run = 1; run <= runs; run++) {
        ensureAlive(targets);
        firstRuns.push(reportRun(first, run, runs, await timed(firstLoad, firstIntervals)));
        secondRuns.push(reportRun(second, run, runs, await timed(secondLoad, secondIntervals)));
      }
      return { ...measuredWrk(secondRuns), intervals: secondIntervals };
    });
    return { ...measuredWrk(firstRuns), intervals: firstIntervals };
  });
  if (secondResult === undefined) {
    throw new Error(`${second.name} was not measured`);
  }
  return [firstResult, secondResult];
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
