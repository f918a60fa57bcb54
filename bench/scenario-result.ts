import type { PostgresBackground } from "./postgres-background.ts";
import type { ProcessRole, Scenario } from "./scenario-kinds.ts";
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
  decay: DecayResult | null;
  soak: SoakResult | null;
  usage: Usage | null;
  /** Why the scenario failed (any error fails it), or null. */
  failure: string | null;
  /** What the processes logged (warnings and errors) during the scenario, when it failed. */
  logs: Partial<Record<ProcessRole, string>>;
}

/** The fixed-rate generator's report (bench/fixed-rate.ts prints it as one JSON line). */
export interface FixedRateResult {
  /** The rotation's distinct requests, as `METHOD path`. */
  requests: string[];
  targetRate: number;
  durationS: number;
  /** Requests due in the measured window, and how many of them completed with a 2xx. */
  scheduled: number;
  succeeded: number;
  achievedRate: number;
  /** From each request's due time to the end of its response body. */
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** From the moment each request was actually handed to fetch (what closed-loop tools report). */
  serviceTimeMs: { p50: number; p99: number };
  /** The generator's own lateness: how long after its due time a request was sent, at most. */
  maxSendLagMs: number;
  errors: { status: number; network: number; timeout: number; dropped: number };
  /** Count of each HTTP status seen in the measured window. */
  statuses: Record<string, number>;
  /** Each request of the rotation on its own (the same numbers as above when there is one). */
  byRequest: { request: string; succeeded: number; latencyMs: { p50: number; p99: number } }[];
  /** CPU seconds the generator process used (filled in by runFixedRate). */
  generatorCpuSeconds: number;
}

/** The decay run: req/s of each back-to-back window, and the last's share of the first's. */
export interface DecayResult {
  windowS: number;
  requestsPerSecond: number[];
  /** The last window's req/s ÷ the first's (the goal: at least 0.90). */
  lastOverFirst: number;
  /** Each window's CPU and Postgres's own work (absent in results older than it). */
  windows?: DecayWindow[];
}

/** Where one decay window's CPU went, and what Postgres did on its own meanwhile. */
export interface DecayWindow {
  cores: Usage["cores"];
  /** Null when the server's statistics could not be read. */
  postgres: PostgresBackground | null;
}

/** The soak's memory: RSS of each process every `sampleEveryS`, from the generator's start. */
export interface SoakResult {
  sampleEveryS: number;
  samples: {
    atS: number;
    rssMb: Partial<Record<ProcessRole, number | null>>;
    /** The anonymous part of each RSS: without the runtime's code pages mapped from its file. */
    anonMb?: Partial<Record<ProcessRole, number | null>>;
  }[];
  byProcess: Partial<Record<ProcessRole, SoakMemory>>;
}

export interface SoakMemory {
  /** The last sample, MiB: the memory after the soak. */
  lastMb: number;
  maxMb: number;
  /** The anonymous part of the last sample (absent in results older than it). */
  lastAnonMb?: number | null;
  /** (max - min) ÷ min of the last 3 samples: under 0.05 they are within 5% of each other. */
  lastThreeRange: number;
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
    decay: null,
    soak: null,
    usage: null,
    failure,
    logs: {},
  };
}
