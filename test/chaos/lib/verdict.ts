import type { ScenarioResult } from "../scenario.ts";

/**
 * What every fault must leave true, as one object a test compares whole: no acknowledged write
 * lost, no request answered with a server error other than 503/504 or not answered at all, and
 * the stack answering again on its own after the fault (or never failing).
 */
export function verdict(result: ScenarioResult): {
  writesLost: number;
  otherServerErrors: number;
  unanswered: number;
  recovered: boolean;
} {
  return {
    writesLost: result.writesLost,
    otherServerErrors: result.answers["other 5xx"],
    unanswered: result.answers["no answer"],
    recovered: result.recoveryMs === null || Number.isFinite(result.recoveryMs),
  };
}

export const survived = { writesLost: 0, otherServerErrors: 0, unanswered: 0, recovered: true };

/** Requests not answered 2xx: a rolling restart must have none. */
export function failedRequests(result: ScenarioResult): number {
  return result.requests - result.answers["2xx"];
}
