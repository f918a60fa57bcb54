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
  const unavailable = targets.unavailable[scenario.target];
  if (targets.urls[scenario.target] === undefined && unavailable !== undefined) {
    return unavailable;
  }
  const origin = urlOf(targets, scenario.target, scenario);
  const url = `${origin}${scenario.path}`;
  const problem = await preflight({
    method: scenario.method,
    url,
    expectedStatus: scenario.expectedStatus,
    sessionToken: scenario.signedIn ? targets.firstToken : null,
    body: scenario.body === undefined ? undefined : { json: scenario.body, origin },
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
        ? { path: WRK_SCRIPT, args: wrkArgs(scenario, targets, origin) }
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

/** The script's arguments; a body goes with the Origin of the server it is sent to. */
function wrkArgs(
  scenario: WrkScenario | DecayScenario,
  targets: Targets,
  origin: string,
): string[] {
  const tokens = scenario.signedIn ? (targets.tokensFile ?? "") : "-";
  const args = [tokens, SESSION_COOKIE, scenario.method, scenario.path];
  return scenario.body === undefined ? args : [...args, origin, scenario.body];
}
