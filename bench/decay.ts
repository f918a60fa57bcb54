import { prepareWrkLoad, runRecord } from "./closed-loop.ts";
import {
  ensureAlive,
  failed,
  formatRate,
  measureRuns,
  progress,
  type Targets,
} from "./measure-runs.ts";
import { describeBackground, watchPostgresBackground } from "./postgres-background.ts";
import type { DecayScenario } from "./scenario-kinds.ts";
import type { DecayWindow, ScenarioResult } from "./scenario-result.ts";
import { adminPool } from "./stack.ts";
import { lastOverFirst } from "./stats.ts";
import { snapshot, usageBetween } from "./usage.ts";
import type { WrkResult } from "./wrk.ts";

// The decay run: one route saturated for a minute, measured as back-to-back windows (a wrk run
// each, started as soon as the last one ends) so that a route slowing down as it runs shows up
// as a falling req/s from window to window. The usual warm-up comes first, so that the first
// window is not a cold start (with --only, the processes are fresh), which would flatter the
// ratio: decay is about slowing down under load, not about warming up. Each window also records
// where the CPU went and what Postgres did on its own (checkpoints, autovacuum), so that a slow
// window can be told apart from the database's housekeeping or another workload.

export async function measureDecay(
  scenario: DecayScenario,
  targets: Targets,
): Promise<ScenarioResult> {
  const { windows, windowS } = targets.options.decay;
  const { warmupS } = targets.options;
  const load = await prepareWrkLoad(scenario, targets);
  if (typeof load === "string") {
    return failed(scenario, load);
  }
  return measureRuns(scenario, targets, async (warmedUp) => {
    progress(`${scenario.name}: warm-up ${warmupS} s, then ${windows} windows of ${windowS} s`);
    await load(warmupS);
    warmedUp();
    const results: WrkResult[] = [];
    const details: DecayWindow[] = [];
    const admin = adminPool(targets.options.adminUrl);
    try {
      for (let window = 1; window <= windows; window++) {
        ensureAlive(targets);
        const { result, detail } = await measureWindow(() => load(windowS), targets, admin);
        progress(
          `${scenario.name}: window ${window}/${windows}: ` +
            `${formatRate(result.requestsPerSecond)} req/s, p99 ${result.latencyMs.p99} ms` +
            (detail.postgres === null ? "" : ` (postgres: ${describeBackground(detail.postgres)})`),
        );
        results.push(result);
        details.push(detail);
      }
    } finally {
      await admin.end({ timeout: 5 });
    }
    const requestsPerSecond = results.map((result) => result.requestsPerSecond);
    const ratio = lastOverFirst(requestsPerSecond);
    progress(`${scenario.name}: last ÷ first ${ratio.toFixed(2)}`);
    return {
      runs: results.map(runRecord),
      generatorCpuSeconds: results.reduce((sum, result) => sum + result.generatorCpuSeconds, 0),
      decay: { windowS, requestsPerSecond, lastOverFirst: ratio, windows: details },
    };
  });
}

async function measureWindow(
  run: () => Promise<WrkResult>,
  targets: Targets,
  admin: ReturnType<typeof adminPool>,
): Promise<{ result: WrkResult; detail: DecayWindow }> {
  const watch = await watchPostgresBackground(admin);
  const before = snapshot(targets.processes);
  const result = await run();
  const after = snapshot(targets.processes);
  const postgres = await watch.stop();
  const { cores } = usageBetween(before, after, result.generatorCpuSeconds, {
    roles: [],
    before: {},
    after: {},
  });
  return { result, detail: { cores, postgres } };
}
