import { goalsSection } from "./markdown-goals.ts";
import { describeBackground } from "./postgres-background.ts";
import type { BenchReport } from "./report.ts";
import { type BaselineName, isOpenLoop, type ProcessRole } from "./scenario-kinds.ts";
import type { ScenarioResult } from "./scenario-result.ts";
import { baselineNames, scenarios } from "./scenarios.ts";
import { coresText, ms, rate, ratioText, spreadText, table } from "./tables.ts";
import type { CpuColumn } from "./usage.ts";

// The Markdown printed at the end of a run: the closed-loop and open-loop tables with their
// ratios, the decay windows, the soak's memory, the CPU of every process, and the goals.

const BASELINE_HEADERS: Record<BaselineName, string> = {
  pgbench: "÷ pgbench -S",
  "pgbench-insert": "÷ pgbench insert",
  hello: "÷ hello",
  "one-hop": "÷ one-hop",
};

export function renderMarkdown(report: BenchReport): string {
  const closed = report.scenarios.filter((scenario) => !isOpenLoop(scenario.kind));
  const open = report.scenarios.filter((scenario) => isOpenLoop(scenario.kind));
  const sections: string[] = [
    `Trellis bench, ${report.startedAt}${report.quick ? " (--quick)" : ""}: ` +
      `${report.machine.cpus} × ${report.machine.cpuModel}, Bun ${report.machine.bun}, ` +
      `Postgres ${report.machine.postgres ?? "?"}, load average at start ` +
      `${report.machine.loadAverageAtStart.map((value) => value.toFixed(2)).join(" ")}, ` +
      `commit ${report.commit ?? "?"}, tracing ${tracingText(report)}.`,
  ];
  if (closed.length > 0) {
    sections.push(closedLoopText(report), closedLoopTable(report, closed));
  }
  sections.push(...decaySection(report));
  if (open.length > 0) {
    sections.push(openLoopText(report), openLoopTable(report, open));
  }
  sections.push(...soakSection(report), ...cpuSection(report), ...goalsSection(report));
  for (const scenario of report.scenarios.filter((entry) => entry.failure !== null)) {
    sections.push(`FAILED ${scenario.name}: ${scenario.failure}`);
  }
  return `${sections.join("\n\n")}\n`;
}

function closedLoopText(report: BenchReport): string {
  const { settings } = report;
  const ran = new Set<string>(report.scenarios.map((scenario) => scenario.name));
  const short = scenarios
    .filter((scenario) => scenario.kind === "wrk" && scenario.runLength === "short")
    .map((scenario) => scenario.name)
    .filter((name) => ran.has(name));
  const { shortRuns, decay } = settings;
  return (
    `Closed loop: wrk -t${settings.wrk.threads} -c${settings.wrk.connections}, ` +
    `${settings.runs} run(s) × ${settings.runS} s after ${settings.warmupS} s of warm-up` +
    (short.length === 0
      ? ""
      : ` (${short.join(", ")}: ${shortRuns.runs} × ${shortRuns.runS} s after ` +
        `${shortRuns.warmupS} s)`) +
    (ran.has("me-serial") ? "; me-serial on 1 connection (-t1 -c1)" : "") +
    (ran.has("decay")
      ? `; decay: ${decay.windows} windows of ${decay.windowS} s back to back after the warm-up`
      : "") +
    "; pgbench: 16 clients, 2 threads. Medians (min–max). Ratios: req/s ÷ the baseline's req/s."
  );
}

function closedLoopTable(report: BenchReport, closed: ScenarioResult[]): string {
  return table(
    [
      "scenario",
      "req/s",
      "p50 / p90 / p99 ms",
      "errors",
      "RSS MB before → after",
      ...baselineNames.map((baseline) => BASELINE_HEADERS[baseline]),
    ],
    closed.map((scenario) => [
      scenario.title,
      scenario.runs.length === 0 ? "—" : spreadText(scenario.summary.requestsPerSecond, rate),
      latencyText(scenario),
      errorsText(scenario),
      rssText(scenario),
      ...baselineNames.map((baseline) => ratioText(report.ratios[scenario.name]?.[baseline])),
    ]),
  );
}

function decaySection(report: BenchReport): string[] {
  const runs = report.scenarios.filter((scenario) => scenario.decay !== null);
  if (runs.length === 0) {
    return [];
  }
  return [
    "Decay: req/s of each window of the saturated run, in order, and the last's share of the " +
      "first's (goal: at least 0.90).",
    table(
      ["scenario", "req/s per window", "last ÷ first", "errors"],
      runs.map((scenario) => [
        scenario.title,
        scenario.decay?.requestsPerSecond.map(rate).join(" → ") ?? "—",
        ratioText(scenario.decay?.lastOverFirst),
        errorsText(scenario),
      ]),
    ),
    ...runs.flatMap(decayWindowsTable),
  ];
}

const WINDOW_CORES: CpuColumn[] = [
  "gateway",
  "identity",
  "notes",
  "postgres",
  "load generator",
  "other",
];

/** Each window's CPU and Postgres's own work: what a slow window had that the others did not. */
function decayWindowsTable(scenario: ScenarioResult): string[] {
  const windows = scenario.decay?.windows;
  if (windows === undefined || windows.length === 0) {
    return [];
  }
  const rates = scenario.decay?.requestsPerSecond ?? [];
  return [
    `${scenario.title}, each window: cores busy, and checkpoints and autovacuum workers seen ` +
      "in Postgres meanwhile.",
    table(
      ["window", "req/s", ...WINDOW_CORES, "postgres on its own"],
      windows.map((window, index) => [
        String(index + 1),
        rates[index] === undefined ? "—" : rate(rates[index]),
        ...WINDOW_CORES.map((column) => coresText(window.cores[column])),
        window.postgres === null ? "not read" : describeBackground(window.postgres),
      ]),
    ),
  ];
}

function openLoopText(report: BenchReport): string {
  const { rate: target, durationS } = report.settings.fixedRate;
  const soak = report.scenarios.find((scenario) => scenario.soak !== null)?.fixedRate;
  return (
    `Open loop: ${target} req/s for ${durationS} s from bench/fixed-rate.ts` +
    (soak === undefined || soak === null
      ? ""
      : ` (the soak: ${soak.durationS} s of ${rotationText()})`) +
    "; latency from each request's due time (no coordinated omission), service time from " +
    "when it was sent."
  );
}

/** The soak's rotation, counted: `8 × GET /api/me, 1 × GET /api/notes?page_size=20, ...`. */
function rotationText(): string {
  const soak = scenarios.find((scenario) => scenario.kind === "soak");
  const counts = new Map<string, number>();
  for (const request of soak?.kind === "soak" ? soak.requests : []) {
    const label = `${request.method} ${request.path}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, count]) => `${count} × ${label}`).join(", ");
}

function openLoopTable(report: BenchReport, open: ScenarioResult[]): string {
  return table(
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
        fixed === null ? "—" : `${ms(fixed.serviceTimeMs.p50)} / ${ms(fixed.serviceTimeMs.p99)}`,
        errorsText(scenario),
        rssText(scenario),
        ratioText(ratios?.p50),
        ratioText(ratios?.p99),
      ];
    }),
  );
}

function soakSection(report: BenchReport): string[] {
  const scenario = report.scenarios.find((entry) => entry.soak !== null);
  const soak = scenario?.soak;
  if (scenario === undefined || soak === undefined || soak === null) {
    return [];
  }
  const roles = Object.keys(soak.byProcess) as ProcessRole[];
  const byRequest = scenario.fixedRate?.byRequest ?? [];
  return [
    `Memory during the soak: RSS in MB every ${soak.sampleEveryS} s from the generator's start ` +
      "(fresh processes); goal: under 100 MB at the end, the last 3 samples within 5% of " +
      "each other. The last column splits the last sample into the process's own (anonymous) " +
      "memory and the pages mapped from files, mostly the Bun runtime's code." +
      (byRequest.length === 0
        ? ""
        : ` Latency by request: ${byRequest
            .map(
              (entry) =>
                `${entry.request} p50 ${ms(entry.latencyMs.p50)} / p99 ${ms(entry.latencyMs.p99)} ms`,
            )
            .join("; ")}.`),
    table(
      ["process", "RSS samples, MB", "max", "last 3: (max − min) ÷ min", "last: own + files"],
      roles.map((role) => {
        const memory = soak.byProcess[role];
        return [
          role,
          soak.samples.map((sample) => Math.round(sample.rssMb[role] ?? Number.NaN)).join(" → "),
          memory === undefined ? "—" : String(Math.round(memory.maxMb)),
          memory === undefined || !Number.isFinite(memory.lastThreeRange)
            ? "—"
            : `${(memory.lastThreeRange * 100).toFixed(1)}%`,
          memory?.lastAnonMb === undefined || memory.lastAnonMb === null
            ? "—"
            : `${Math.round(memory.lastAnonMb)} + ${Math.round(memory.lastMb - memory.lastAnonMb)}`,
        ];
      }),
    ),
  ];
}

const CPU_COLUMNS: CpuColumn[] = [
  "gateway",
  "gateway-metrics",
  "identity",
  "notes",
  "baseline",
  "bun-hello",
  "elysia-hello",
  "peer-api",
  "peer-identity",
  "peer-notes",
  "postgres",
  "load generator",
  "kernel irq",
  "other",
];

function cpuSection(report: BenchReport): string[] {
  const withUsage = report.scenarios.filter((scenario) => scenario.usage !== null);
  if (withUsage.length === 0) {
    return [];
  }
  // A server that was not started in this run has no column.
  const columns = CPU_COLUMNS.filter((column) =>
    withUsage.some((scenario) => scenario.usage?.cores[column] !== undefined),
  );
  return [
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
  ];
}

function tracingText(report: BenchReport): string {
  const sink = report.tracingSink;
  if (sink === null) {
    return report.settings.tracing ? "on" : "off (OTEL_SDK_DISABLED)";
  }
  return `on (${sink.batches} OTLP batches, ${(sink.bytes / 1024 / 1024).toFixed(1)} MiB exported)`;
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
  "gateway-metrics": "gw+m",
  identity: "id",
  notes: "notes",
  baseline: "base",
  "bun-hello": "bun",
  "elysia-hello": "elysia",
  "peer-api": "nest-api",
  "peer-identity": "nest-id",
  "peer-notes": "nest-notes",
};

function rssText(scenario: ScenarioResult): string {
  const entries = Object.entries(scenario.usage?.rssMb ?? {}) as [
    ProcessRole,
    { before: number | null; after: number | null },
  ][];
  if (entries.length === 0) {
    return "—";
  }
  const mb = (value: number | null): string => (value === null ? "?" : String(Math.round(value)));
  return entries
    .map(([role, { before, after }]) => `${SHORT[role]} ${mb(before)} → ${mb(after)}`)
    .join(", ");
}
