import { fixedRateRecord, runFixedRate } from "./fixed-rate.ts";
import {
  failed,
  formatRate,
  measureRuns,
  progress,
  round,
  type Targets,
  urlOf,
} from "./measure-runs.ts";
import { preflight } from "./preflight.ts";
import type { ProcessRole, SoakScenario } from "./scenario-kinds.ts";
import type { ScenarioResult, SoakMemory, SoakResult } from "./scenario-result.ts";
import { SESSION_COOKIE } from "./stack.ts";
import { rangeOfLast } from "./stats.ts";
import { anonRssOf, rssOf } from "./usage.ts";

// The soak: the fixed rate held for minutes over a rotation of requests that touches every
// process, with their RSS sampled at a fixed interval from the generator's start. run.ts gives
// it freshly started processes, so what it reports is the memory of a long unsaturated run,
// not what the saturated scenarios before it left behind.

export async function measureSoak(
  scenario: SoakScenario,
  targets: Targets,
): Promise<ScenarioResult> {
  const gateway = urlOf(targets, "gateway", scenario);
  // Each distinct request once (the rotation repeats GET /api/me).
  const distinct = new Map(
    scenario.requests.map((request) => [`${request.method} ${request.path}`, request]),
  );
  for (const request of distinct.values()) {
    const problem = await preflight({
      method: request.method,
      url: `${gateway}${request.path}`,
      expectedStatus: request.expectedStatus,
      sessionToken: targets.firstToken,
      body: request.body === undefined ? undefined : { json: request.body, origin: gateway },
    });
    if (problem !== null) {
      return failed(scenario, problem);
    }
  }
  return measureRuns(scenario, targets, async () => {
    const { rate } = targets.options.fixedRate;
    const { durationS, warmupS, sampleEveryS } = targets.options.soak;
    progress(
      `${scenario.name}: ${rate} req/s for ${warmupS} s (warm-up) + ${durationS} s, ` +
        `RSS every ${sampleEveryS} s`,
    );
    const run = runFixedRate({
      requests: scenario.requests.map((request) => ({
        method: request.method,
        url: `${gateway}${request.path}`,
        body: request.body,
      })),
      rate,
      durationS,
      warmupS,
      ...(targets.tokensFile === null
        ? {}
        : { tokensFile: targets.tokensFile, cookieName: SESSION_COOKIE }),
    });
    const samples = await sampleRss(
      targets,
      scenario.processes,
      run,
      sampleEveryS,
      warmupS + durationS,
    );
    const result = await run;
    const record = fixedRateRecord(result);
    progress(
      `${scenario.name}: ${formatRate(result.achievedRate)} req/s, p50 ${round(result.latencyMs.p50)} ms, ` +
        `p99 ${round(result.latencyMs.p99)} ms, ${record.errors} errors`,
    );
    const soak: SoakResult = { sampleEveryS, samples, byProcess: {} };
    for (const role of scenario.processes) {
      const memory = soakMemory(samples.map((sample) => sample.rssMb[role] ?? null));
      if (memory !== null) {
        soak.byProcess[role] = { ...memory, lastAnonMb: samples.at(-1)?.anonMb?.[role] ?? null };
      }
    }
    return {
      runs: [record],
      generatorCpuSeconds: result.generatorCpuSeconds,
      fixedRate: result,
      soak,
    };
  });
}

/** The last sample, the largest, and how far apart the last three are; null with no sample. */
export function soakMemory(samplesMb: readonly (number | null)[]): SoakMemory | null {
  const values = samplesMb.filter((value): value is number => value !== null);
  const last = values.at(-1);
  if (last === undefined) {
    return null;
  }
  return { lastMb: last, maxMb: Math.max(...values), lastThreeRange: rangeOfLast(values, 3) };
}

/** RSS at 0, every, 2 × every, ... up to `totalS` after now, or until `run` settles. */
async function sampleRss(
  targets: Targets,
  roles: ProcessRole[],
  run: Promise<unknown>,
  everyS: number,
  totalS: number,
): Promise<SoakResult["samples"]> {
  const settled = run.then(
    () => true,
    () => true,
  );
  const start = performance.now();
  const samples: SoakResult["samples"] = [];
  for (let due = 0; due <= totalS; due += everyS) {
    const waitMs = Math.max(0, start + due * 1000 - performance.now());
    const finished = await Promise.race([settled, Bun.sleep(waitMs).then(() => false)]);
    const rssMb = rssOf(targets.processes, roles);
    const anonMb = anonRssOf(targets.processes, roles);
    samples.push({ atS: Math.round((performance.now() - start) / 100) / 10, rssMb, anonMb });
    progress(
      `RSS at ${samples.at(-1)?.atS} s: ` +
        roles.map((role) => `${role} ${Math.round(rssMb[role] ?? Number.NaN)} MB`).join(", "),
    );
    if (finished) {
      break;
    }
  }
  return samples;
}
