import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import type { BenchOptions } from "./options.ts";
import type { ScenarioResult } from "./scenario-result.ts";
import { type BaselineName, baselineNames, type ProcessRole } from "./scenarios.ts";
import type { Spread } from "./stats.ts";
import type { CpuColumn } from "./usage.ts";

// The run's record (JSON under bench/results/) and the Markdown tables printed at the end.

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
  scenarios: ScenarioResult[];
  /** Each closed-loop scenario's median req/s divided by each baseline's. */
  ratios: Record<string, Partial<Record<BaselineName, number>>>;
  /** Each fixed-rate scenario's p50 and p99 divided by its baseline's. */
  latencyRatios: Record<string, { baseline: string; p50: number; p99: number }>;
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
}

export function buildReport(input: ReportInput): BenchReport {
  const { options, scenarios } = input;
  const byName = new Map(scenarios.map((scenario) => [scenario.name, scenario]));
  // A failed scenario keeps its numbers and ratios: the errors column says it failed.
  const usable = (name: string): ScenarioResult | undefined => {
    const scenario = byName.get(name as ScenarioResult["name"]);
    return scenario === undefined || scenario.runs.length === 0 ? undefined : scenario;
  };
  const ratios: BenchReport["ratios"] = {};
  for (const scenario of scenarios.filter((entry) => entry.kind !== "fixed-rate")) {
    const own = scenario.summary.requestsPerSecond.median;
    ratios[scenario.name] = {};
    for (const baseline of baselineNames) {
      const base = usable(baseline)?.summary.requestsPerSecond.median;
      if (base !== undefined && base > 0 && scenario.runs.length > 0) {
        (ratios[scenario.name] as Partial<Record<BaselineName, number>>)[baseline] = own / base;
      }
    }
  }
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
  const { adminUrl, quick, ...settings } = options;
  const postgres = new URL(adminUrl);
  postgres.password = "";
  return {
    startedAt: input.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    quick,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "unknown",
      memoryMb: Math.round(totalmem() / 1024 / 1024),
      loadAverageAtStart: input.loadAverageAtStart,
      loadAverageAtEnd: loadavg(),
      bun: Bun.version,
      postgres: input.postgresVersion,
    },
    commit: input.commit,
    settings: { ...settings, postgres: postgres.toString() },
    launchedFrom: input.launchedFrom,
    tracingSink: input.tracingSink,
    scenarios,
    ratios,
    latencyRatios,
    failed: scenarios.some((scenario) => scenario.failure !== null),
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

export function renderMarkdown(report: BenchReport): string {
  const closed = report.scenarios.filter((scenario) => scenario.kind !== "fixed-rate");
  const open = report.scenarios.filter((scenario) => scenario.kind === "fixed-rate");
  const { settings } = report;
  const sections: string[] = [
    `Trellis bench, ${report.startedAt}${report.quick ? " (--quick)" : ""}: ` +
      `${report.machine.cpus} × ${report.machine.cpuModel}, Bun ${report.machine.bun}, ` +
      `Postgres ${report.machine.postgres ?? "?"}, load average at start ` +
      `${report.machine.loadAverageAtStart.map((value) => value.toFixed(2)).join(" ")}, ` +
      `commit ${report.commit ?? "?"}, tracing ${tracingText(report)}.`,
  ];
  if (closed.length > 0) {
    sections.push(
      `Closed loop: wrk -t${settings.wrk.threads} -c${settings.wrk.connections}, ` +
        `${settings.runs} run(s) × ${settings.runS} s after ${settings.warmupS} s of warm-up; ` +
        "medians (min–max). Ratios: req/s ÷ the baseline's req/s.",
      table(
        [
          "scenario",
          "req/s",
          "p50 / p90 / p99 ms",
          "errors",
          "RSS MB before → after",
          "÷ pgbench -S",
          "÷ hello",
          "÷ one-hop",
        ],
        closed.map((scenario) => [
          scenario.title,
          scenario.runs.length === 0 ? "—" : spreadText(scenario.summary.requestsPerSecond, rate),
          latencyText(scenario),
          errorsText(scenario),
          rssText(scenario),
          ...baselineNames.map((baseline) => ratioText(report.ratios[scenario.name]?.[baseline])),
        ]),
      ),
    );
  }
  if (open.length > 0) {
    const { rate: target, durationS } = settings.fixedRate;
    sections.push(
      `Open loop: ${target} req/s for ${durationS} s from bench/fixed-rate.ts; latency from ` +
        "each request's due time (no coordinated omission), service time from when it was sent.",
      table(
        [
          "scenario",
          "req/s",
          "p50 / p90 / p99 / max ms",
          "service p50 / p99 ms",
          "errors",
          "RSS MB before → after",
          "p50 ÷ baseline",
          "p99 ÷ baseline",
        ],
        open.map((scenario) => {
          const fixed = scenario.fixedRate;
          const ratios = report.latencyRatios[scenario.name];
          return [
            scenario.title,
            fixed === null ? "—" : rate(fixed.achievedRate),
            fixed === null
              ? "—"
              : [fixed.latencyMs.p50, fixed.latencyMs.p90, fixed.latencyMs.p99, fixed.latencyMs.max]
                  .map(ms)
                  .join(" / "),
            fixed === null
              ? "—"
              : `${ms(fixed.serviceTimeMs.p50)} / ${ms(fixed.serviceTimeMs.p99)}`,
            errorsText(scenario),
            rssText(scenario),
            ratioText(ratios?.p50),
            ratioText(ratios?.p99),
          ];
        }),
      ),
    );
  }
  const withUsage = report.scenarios.filter((scenario) => scenario.usage !== null);
  if (withUsage.length > 0) {
    const columns: CpuColumn[] = [
      "gateway",
      "identity",
      "notes",
      "baseline",
      "postgres",
      "load generator",
      "kernel irq",
      "other",
    ];
    sections.push(
      `CPU during the measured runs, in cores (of ${report.machine.cpus}). "kernel irq": ` +
        "interrupts and softirqs, mostly the loopback network stack carrying the load; " +
        '"other": busy time left after that and the bench\'s processes (other work on the machine).',
      table(
        ["scenario", ...columns],
        withUsage.map((scenario) => [
          scenario.title,
          ...columns.map((column) => coresText(scenario.usage?.cores[column])),
        ]),
      ),
    );
  }
  const failures = report.scenarios.filter((scenario) => scenario.failure !== null);
  for (const scenario of failures) {
    sections.push(`FAILED ${scenario.name}: ${scenario.failure}`);
  }
  return `${sections.join("\n\n")}\n`;
}

function tracingText(report: BenchReport): string {
  const sink = report.tracingSink;
  if (sink === null) {
    return report.settings.tracing ? "on" : "off (OTEL_SDK_DISABLED)";
  }
  return `on (${sink.batches} OTLP batches, ${(sink.bytes / 1024 / 1024).toFixed(1)} MiB exported)`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function latencyText(scenario: ScenarioResult): string {
  const { p50, p90, p99, averageLatencyMs } = scenario.summary;
  if (averageLatencyMs !== null) {
    return `average ${ms(averageLatencyMs.median)}`;
  }
  if (p50 === null || p90 === null || p99 === null) {
    return "—";
  }
  return `${ms(p50.median)} / ${ms(p90.median)} / ${ms(p99.median)}`;
}

function errorsText(scenario: ScenarioResult): string {
  if (scenario.failure !== null) {
    const total = scenario.runs.reduce((sum, run) => sum + run.errors, 0);
    return `**FAILED** (${total})`;
  }
  return "0";
}

const SHORT: Record<ProcessRole, string> = {
  gateway: "gw",
  identity: "id",
  notes: "notes",
  baseline: "base",
};

function rssText(scenario: ScenarioResult): string {
  const entries = Object.entries(scenario.usage?.rssMb ?? {}) as [
    ProcessRole,
    { before: number | null; after: number | null },
  ][];
  if (entries.length === 0) {
    return "—";
  }
  return entries
    .map(
      ([role, { before, after }]) =>
        `${SHORT[role]} ${before === null ? "?" : Math.round(before)} → ${after === null ? "?" : Math.round(after)}`,
    )
    .join(", ");
}

function spreadText(value: Spread, format: (value: number) => string): string {
  if (value.min === value.max) {
    return format(value.median);
  }
  return `${format(value.median)} (${format(value.min)}–${format(value.max)})`;
}

function ratioText(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) {
    return "—";
  }
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(2)}×`;
}

function coresText(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "—" : value.toFixed(2);
}

function rate(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

function ms(value: number): string {
  if (!Number.isFinite(value)) {
    return "?";
  }
  if (value < 10) {
    return value.toFixed(2);
  }
  return value < 100 ? value.toFixed(1) : value.toFixed(0);
}
