import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { evaluateGoals, type Goal } from "./goals.ts";
import type { BenchOptions } from "./options.ts";
import { type BaselineName, isOpenLoop } from "./scenario-kinds.ts";
import type { ScenarioResult } from "./scenario-result.ts";
import { baselineNames, comparesTo } from "./scenarios.ts";

// The run's record: JSON under bench/results/ (bench/markdown.ts prints it as tables).

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryMb: number;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
    bun: string;
    postgres: string | null;
  };
  commit: string | null;
  settings: Omit<BenchOptions, "adminUrl" | "quick"> & { postgres: string };
  launchedFrom: Record<string, string>;
  /** With --tracing: what the loopback OTLP sink received over the whole run. */
  tracingSink: { batches: number; bytes: number } | null;
  /** With me-metrics: what its gateway's metrics sink received over the whole run. */
  metricsSink?: { batches: number; bytes: number } | null;
  scenarios: ScenarioResult[];
  /** Each closed-loop scenario's median req/s divided by each baseline's. */
  ratios: Record<string, Partial<Record<BaselineName, number>>>;
  /** Each fixed-rate scenario's p50 and p99 divided by its baseline's. */
  latencyRatios: Record<string, { baseline: string; p50: number; p99: number }>;
  /** Issue 8's goals, measured in this run: value, target, pass or miss. */
  goals: Goal[];
  failed: boolean;
}

export interface ReportInput {
  startedAt: Date;
  loadAverageAtStart: number[];
  options: BenchOptions;
  postgresVersion: string | null;
  commit: string | null;
  launchedFrom: Record<string, string>;
  scenarios: ScenarioResult[];
  tracingSink: { batches: number; bytes: number } | null;
  metricsSink: { batches: number; bytes: number } | null;
}

export function buildReport(input: ReportInput): BenchReport {
  const { options, scenarios } = input;
  const usable = usableIn(scenarios);
  const ratios = throughputRatios(scenarios, usable);
  const latencyRatios = latencyRatiosOf(scenarios, usable);
  const { adminUrl, quick, ...settings } = options;
  const postgres = new URL(adminUrl);
  postgres.password = "";
  return {
    startedAt: input.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    quick,
    machine: machineOf(input),
    commit: input.commit,
    settings: { ...settings, postgres: postgres.toString() },
    launchedFrom: input.launchedFrom,
    tracingSink: input.tracingSink,
    metricsSink: input.metricsSink,
    scenarios,
    ratios,
    latencyRatios,
    goals: evaluateGoals(scenarios),
    failed: scenarios.some((scenario) => scenario.failure !== null),
  };
}

type Usable = (name: string) => ScenarioResult | undefined;

/** The scenario of that name if it ran and has numbers. */
function usableIn(scenarios: ScenarioResult[]): Usable {
  const byName = new Map(scenarios.map((scenario) => [scenario.name, scenario]));
  // A failed scenario keeps its numbers and ratios: the errors column says it failed.
  return (name) => {
    const scenario = byName.get(name as ScenarioResult["name"]);
    return scenario === undefined || scenario.runs.length === 0 ? undefined : scenario;
  };
}

function throughputRatios(scenarios: ScenarioResult[], usable: Usable): BenchReport["ratios"] {
  const ratios: BenchReport["ratios"] = {};
  for (const scenario of scenarios.filter((entry) => !isOpenLoop(entry.kind))) {
    const own = scenario.summary.requestsPerSecond.median;
    ratios[scenario.name] = {};
    for (const baseline of baselineNames.filter((name) => comparesTo(scenario.name, name))) {
      const base = usable(baseline)?.summary.requestsPerSecond.median;
      if (base !== undefined && base > 0 && scenario.runs.length > 0) {
        (ratios[scenario.name] as Partial<Record<BaselineName, number>>)[baseline] = own / base;
      }
    }
  }
  return ratios;
}

function latencyRatiosOf(
  scenarios: ScenarioResult[],
  usable: Usable,
): BenchReport["latencyRatios"] {
  const latencyRatios: BenchReport["latencyRatios"] = {};
  for (const scenario of scenarios.filter((entry) => entry.fixedRate !== null)) {
    const baseline =
      scenario.latencyBaseline === null ? undefined : usable(scenario.latencyBaseline);
    if (baseline?.fixedRate && scenario.fixedRate) {
      latencyRatios[scenario.name] = {
        baseline: baseline.name,
        p50: scenario.fixedRate.latencyMs.p50 / baseline.fixedRate.latencyMs.p50,
        p99: scenario.fixedRate.latencyMs.p99 / baseline.fixedRate.latencyMs.p99,
      };
    }
  }
  return latencyRatios;
}

function machineOf(input: ReportInput): BenchReport["machine"] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryMb: Math.round(totalmem() / 1024 / 1024),
    loadAverageAtStart: input.loadAverageAtStart,
    loadAverageAtEnd: loadavg(),
    bun: Bun.version,
    postgres: input.postgresVersion,
  };
}

/** Writes bench/results/<ISO date>[-quick].json and returns its path. */
export function writeReport(report: BenchReport, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/:/g, "-").replace(/\.\d+Z$/, "Z");
  const path = join(dir, `${stamp}${report.quick ? "-quick" : ""}.json`);
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
