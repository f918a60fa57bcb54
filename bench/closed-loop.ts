import { type Targets, urlOf } from "./measure-runs.ts";
import { preflight } from "./preflight.ts";
import type { DecayScenario, WrkScenario } from "./scenario-kinds.ts";
import type { RunRecord } from "./scenario-result.ts";
import { SESSION_COOKIE } from "./stack.ts";
import { runWrk, type WrkResult, wrkErrorCount, wrkErrorDetail } from "./wrk.ts";

// The load of a closed-loop scenario (the runs of a wrk scenario, the windows of the decay run):
// its request checked once by hand, then wrk sending it over and over.

const WRK_SCRIPT = `${import.meta.dir}/wrk/requests.lua`;

export type WrkLoad = (durationS: number) => Promise<WrkResult>;

/** The wrk run of `scenario`'s request, or what its request by hand answered instead. */
export async function prepareWrkLoad(
  scenario: WrkScenario | DecayScenario,
  targets: Targets,
): Promise<WrkLoad | string> {
  const { options } = targets;
  const wrk = targets.wrk;
  if (wrk === null) {
    throw new Error(`${scenario.name}: wrk was not found`);
  }
  const url = `${urlOf(targets, scenario.target, scenario)}${scenario.path}`;
  const problem = await preflight({
    method: scenario.method,
    url,
    expectedStatus: scenario.expectedStatus,
    sessionToken: scenario.signedIn ? targets.firstToken : null,
    body:
      scenario.body === undefined
        ? undefined
        : { json: scenario.body, origin: targets.urls.gateway ?? "" },
  });
  if (problem !== null) {
    return problem;
  }
  const connections =
    scenario.kind === "wrk" && scenario.connections !== undefined
      ? scenario.connections
      : options.wrk;
  return (durationS) =>
    runWrk(wrk, {
      url,
      durationS,
      ...connections,
      script: scenario.countStatuses
        ? { path: WRK_SCRIPT, args: wrkArgs(scenario, targets) }
        : undefined,
    });
}

export function runRecord(result: WrkResult): RunRecord {
  const errors = wrkErrorCount(result);
  return {
    requestsPerSecond: result.requestsPerSecond,
    latencyMs: { p50: result.latencyMs.p50, p90: result.latencyMs.p90, p99: result.latencyMs.p99 },
    errors,
    errorDetail: errors > 0 ? wrkErrorDetail(result) : null,
  };
}

function wrkArgs(scenario: WrkScenario | DecayScenario, targets: Targets): string[] {
  const tokens = scenario.signedIn ? (targets.tokensFile ?? "") : "-";
  const args = [tokens, SESSION_COOKIE, scenario.method, scenario.path];
  return scenario.body === undefined ? args : [...args, targets.urls.gateway ?? "", scenario.body];
}
