import type { FixedRateResult } from "./fixed-rate.ts";
import type { ProcessRole, Scenario } from "./scenarios.ts";
import { type Spread, spread } from "./stats.ts";
import type { Usage } from "./usage.ts";

// What one scenario produced: its runs, their medians and ranges, what the processes used, and
// why it failed if it did. This is what bench/results/*.json holds per scenario.

export interface RunRecord {
  requestsPerSecond: number;
  /** p50/p90/p99 for HTTP scenarios; pgbench reports only an average. */
  latencyMs: { p50: number; p90: number; p99: number } | { average: number };
  /** Non-2xx responses and socket errors (or pgbench's failed transactions). */
  errors: number;
  errorDetail: string | null;
}

export interface ScenarioResult {
  name: Scenario["name"];
  kind: Scenario["kind"];
  title: string;
  description: string;
  /** For a fixed-rate scenario, the one its latencies are divided by. */
  latencyBaseline: Scenario["name"] | null;
  runs: RunRecord[];
  /** Medians and ranges over the runs. */
  summary: {
    requestsPerSecond: Spread;
    p50: Spread | null;
    p90: Spread | null;
    p99: Spread | null;
    averageLatencyMs: Spread | null;
  };
  fixedRate: FixedRateResult | null;
  usage: Usage | null;
  /** Why the scenario failed (any error fails it), or null. */
  failure: string | null;
  /** What the processes logged (warnings and errors) during the scenario, when it failed. */
  logs: Partial<Record<ProcessRole, string>>;
}

export function summarize(runs: RunRecord[]): ScenarioResult["summary"] {
  const latency = (key: "p50" | "p90" | "p99"): Spread | null => {
    const values = runs.flatMap((run) => ("average" in run.latencyMs ? [] : [run.latencyMs[key]]));
    return values.length === 0 ? null : spread(values);
  };
  const averages = runs.flatMap((run) =>
    "average" in run.latencyMs ? [run.latencyMs.average] : [],
  );
  return {
    requestsPerSecond: spread(runs.map((run) => run.requestsPerSecond)),
    p50: latency("p50"),
    p90: latency("p90"),
    p99: latency("p99"),
    averageLatencyMs: averages.length === 0 ? null : spread(averages),
  };
}

/** The fields every result copies from its scenario. */
export function describeScenario(
  scenario: Scenario,
): Pick<ScenarioResult, "name" | "kind" | "title" | "description" | "latencyBaseline"> {
  return {
    name: scenario.name,
    kind: scenario.kind,
    title: scenario.title,
    description: scenario.description,
    latencyBaseline: scenario.kind === "fixed-rate" ? (scenario.baseline ?? null) : null,
  };
}

/** A scenario that failed before any load was sent. */
export function notRun(scenario: Scenario, failure: string): ScenarioResult {
  return {
    ...describeScenario(scenario),
    runs: [],
    summary: summarize([]),
    fixedRate: null,
    usage: null,
    failure,
    logs: {},
  };
}
