import { type FixedRateOptions, fixedRateRecord, runFixedRate } from "./fixed-rate.ts";
import {
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
  const problem = await preflightRotation(scenario, targets, gateway);
  if (problem !== null) {
    return failed(scenario, problem);
  }
  return measureRuns(scenario, targets, () => soakRun(scenario, targets, gateway));
}

/** Checks each request of the rotation once before the load; the first problem, or null. */
async function preflightRotation(
  scenario: SoakScenario,
  targets: Targets,
  gateway: string,
): Promise<string | null> {
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
      return problem;
    }
  }
  return null;
}

/** The generator's run with the processes' RSS sampled beside it. */
async function soakRun(
  scenario: SoakScenario,
  targets: Targets,
  gateway: string,
): Promise<Measured> {
  const { rate } = targets.options.fixedRate;
  const { durationS, warmupS, sampleEveryS } = targets.options.soak;
  progress(
    `${scenario.name}: ${rate} req/s for ${warmupS} s (warm-up) + ${durationS} s, ` +
      `RSS every ${sampleEveryS} s`,
  );
  const run = runFixedRate(generatorOptions(scenario, targets, gateway));
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
  return {
    runs: [record],
    generatorCpuSeconds: result.generatorCpuSeconds,
    fixedRate: result,
    soak: soakResultOf(scenario.processes, samples, sampleEveryS),
  };
}

/** The rotation through the gateway at the fixed rate, for the soak's duration. */
function generatorOptions(
  scenario: SoakScenario,
  targets: Targets,
  gateway: string,
): FixedRateOptions {
  const { rate } = targets.options.fixedRate;
  const { durationS, warmupS } = targets.options.soak;
  return {
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
  };
}

/** The samples, and each process's memory read from them. */
function soakResultOf(
  roles: ProcessRole[],
  samples: SoakResult["samples"],
  sampleEveryS: number,
): SoakResult {
  const soak: SoakResult = { sampleEveryS, samples, byProcess: {} };
  for (const role of roles) {
    const memory = soakMemory(samples.map((sample) => sample.rssMb[role] ?? null));
    if (memory !== null) {
      soak.byProcess[role] = { ...memory, lastAnonMb: samples.at(-1)?.anonMb?.[role] ?? null };
    }
  }
  return soak;
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
