// `bun run bench`: the Trellis benchmark suite with its baselines measured in the same run.
// Starts identity, notes (fresh databases on the local Postgres) and the gateway as processes,
// seeds users, sessions and notes, drives load with wrk and bench/fixed-rate.ts, and ends with
// a JSON record in bench/results/ and Markdown tables. Loopback only; bounded in time; every
// process it starts is stopped at the end, on Ctrl-C and on failure. See bench/README.md.
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { type OtlpReceiver, startOtlpReceiver } from "@trellis/testing";
import { startBaselineServer, startHelloServer } from "./baselines.ts";
import { renderMarkdown } from "./markdown.ts";
import { measure, measureInTurns, progress, type Targets } from "./measure.ts";
import { startMetricsGateway } from "./metrics-gateway.ts";
import { type BenchOptions, parseOptions, usage } from "./options.ts";
import { stopAllChildren } from "./processes.ts";
import { type BenchReport, buildReport, writeReport } from "./report.ts";
import { inTurnsGroup, needsStack, type Scenario } from "./scenario-kinds.ts";
import type { ScenarioResult } from "./scenario-result.ts";
import { scenarios } from "./scenarios.ts";
import {
  restartSeededStack,
  type SeededStack,
  startNestjsPeer,
  startSeededStack,
} from "./seeded-stack.ts";
import { adminPool, benchDatabases, dropDatabase } from "./stack.ts";
import { ensureWrk } from "./wrk.ts";

const resultsDir = join(import.meta.dir, "results");

async function main(options: BenchOptions): Promise<number> {
  const startedAt = new Date();
  const loadAverageAtStart = loadavg();
  // What is measured is what was checked out when the run began, whatever is edited meanwhile.
  const commit = gitCommit();
  const selected = scenarios.filter((scenario) => options.selected.includes(scenario.name));
  console.log(
    `trellis bench${options.quick ? " --quick" : ""}: ${selected.map((s) => s.name).join(", ")}` +
      ` (about ${Math.ceil(estimateSeconds(selected, options) / 60)} min)`,
  );
  const wrk = await checkTools(selected);
  const postgresVersion = await serverVersion(options.adminUrl);
  const work = mkdtempSync(join(tmpdir(), "trellis-bench-"));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));

  const targets: Targets = {
    options,
    wrk,
    urls: {},
    unavailable: {},
    tokensFile: null,
    firstToken: null,
    processes: {},
  };
  const { launchedFrom, sink, metricsSink, stackEnv } = await startServers(selected, targets, work);
  const results = await measureSelected(selected, targets, stackEnv, work);

  const report = buildReport({
    startedAt,
    loadAverageAtStart,
    options,
    postgresVersion,
    commit,
    launchedFrom,
    scenarios: results,
    tracingSink: sink?.stats() ?? null,
    metricsSink: metricsSink?.stats() ?? null,
  });
  return publish(report);
}

/** wrk (built if need be) when a selected scenario runs it; fails at once without pgbench. */
async function checkTools(selected: Scenario[]): Promise<string | null> {
  const wrk = selected.some((scenario) => scenario.kind === "wrk" || scenario.kind === "decay")
    ? await ensureWrk()
    : null;
  if (selected.some((scenario) => scenario.kind === "pgbench") && Bun.which("pgbench") === null) {
    throw new Error("pgbench is not installed (Debian: apt-get install postgresql-client)");
  }
  return wrk;
}

interface Servers {
  /** What each server was started from, by role. */
  launchedFrom: Record<string, string>;
  sink: OtlpReceiver | null;
  /** Where the metrics variant of the gateway exports (scenario me-metrics). */
  metricsSink: OtlpReceiver | null;
  /** The environment the stack was started with, to start it again for the soak. */
  stackEnv: Record<string, string>;
}

/** Every server the selected scenarios load, recorded in `targets`. */
async function startServers(
  selected: Scenario[],
  targets: Targets,
  work: string,
): Promise<Servers> {
  const launchedFrom: Record<string, string> = {};
  const { sink, metricsSink, stackEnv } = await startStackFor(
    selected,
    targets,
    work,
    launchedFrom,
  );
  for (const kind of ["bun", "elysia"] as const) {
    if (selected.some((scenario) => scenario.name === `${kind}-hello`)) {
      const hello = await startHelloServer(kind);
      targets.urls[`${kind}-hello`] = hello.url;
      targets.processes[`${kind}-hello`] = hello.child;
      launchedFrom[`${kind}-hello`] = `bench/hello-server.ts HELLO_SERVER=${kind} (source)`;
    }
  }
  return { launchedFrom, sink, metricsSink, stackEnv };
}

/** The seeded stack, and the one-hop baseline beside it, when a selected scenario needs them. */
async function startStackFor(
  selected: Scenario[],
  targets: Targets,
  work: string,
  launchedFrom: Record<string, string>,
): Promise<Omit<Servers, "launchedFrom">> {
  if (!selected.some(needsStack)) {
    return { sink: null, metricsSink: null, stackEnv: {} };
  }
  console.log("starting identity, notes (fresh bench_* databases) and the gateway");
  const sink = startTracingSink(targets.options);
  const stackEnv: Record<string, string> =
    sink === null
      ? { OTEL_SDK_DISABLED: "true" }
      : // Traces alone: metrics are measured on their own, by me-metrics.
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
          OTEL_SDK_DISABLED: "false",
          OTEL_METRICS_EXPORTER: "none",
        };
  const seededStack = await startSeededStack(targets.options, stackEnv, targets, work);
  Object.assign(launchedFrom, seededStack.stack.launchedFrom);
  if (selected.some((scenario) => scenario.name === "one-hop")) {
    await startOneHopBaseline(seededStack, targets, launchedFrom);
  }
  let metricsSink: OtlpReceiver | null = null;
  if (selected.some((scenario) => scenario.name === "me-metrics")) {
    metricsSink = await startMetricsGateway(seededStack, stackEnv, targets, launchedFrom);
    const stopSink = metricsSink.stop;
    cleanups.push(() => stopSink());
  }
  if (selected.some((scenario) => "target" in scenario && scenario.target === "peer")) {
    console.log("installing, building and starting the NestJS peer (bench/peers/nestjs)");
    launchedFrom.peer = await startNestjsPeer(seededStack, targets);
  }
  return { sink, metricsSink, stackEnv };
}

/** With --tracing, the loopback sink every process exports its spans to. */
function startTracingSink(options: BenchOptions): OtlpReceiver | null {
  const sink = options.tracing ? startOtlpReceiver({ keepSpans: false }) : null;
  if (sink !== null) {
    cleanups.push(() => sink.stop());
    progress(`tracing on: every process exports its spans to ${sink.url} (discarded)`);
  }
  return sink;
}

async function startOneHopBaseline(
  seededStack: SeededStack,
  targets: Targets,
  launchedFrom: Record<string, string>,
): Promise<void> {
  const baseline = await startBaselineServer({
    notesAddress: seededStack.stack.notesAddress,
    callerSigningKey: seededStack.stack.callerKeys.signingKey,
    note: seededStack.seeded.sampleNote,
  });
  targets.urls.baseline = baseline.url;
  targets.processes.baseline = baseline.child;
  launchedFrom.baseline = "bench/baseline-server.ts (source)";
}

/** Each selected scenario in order, a pair taken in turns where one is selected. */
async function measureSelected(
  selected: Scenario[],
  targets: Targets,
  stackEnv: Record<string, string>,
  work: string,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  let stackUsed = false;
  const measuredInTurns = new Set<string>();
  for (const scenario of selected) {
    if (measuredInTurns.has(scenario.name)) {
      continue;
    }
    if (scenario.kind === "soak" && stackUsed) {
      console.log("restarting identity, notes and the gateway on fresh databases for the soak");
      await restartSeededStack(targets.options, stackEnv, targets, work);
    }
    stackUsed ||= needsStack(scenario);
    const group = inTurnsGroup(scenario, selected);
    if (group !== null) {
      console.log(
        `${group.map((member) => member.name).join(", ")} in turns: ` +
          group.map((member) => member.title).join(", "),
      );
      results.push(...(await measureInTurns(group, targets)));
      for (const member of group) {
        measuredInTurns.add(member.name);
      }
      continue;
    }
    console.log(`${scenario.name}: ${scenario.title}`);
    results.push(await measure(scenario, targets));
  }
  return results;
}

/** Writes the record and prints its tables; the exit code, 1 when a scenario failed. */
function publish(report: BenchReport): number {
  const path = writeReport(report, resultsDir);
  console.log(`\n${renderMarkdown(report)}`);
  console.log(`results: ${path}`);
  return report.failed ? 1 : 0;
}

// --- stopping everything, whatever happens -------------------------------------------------

const cleanups: (() => void)[] = [];
let stopping: Promise<void> | undefined;

function cleanUp(adminUrl: string | null): Promise<void> {
  stopping ??= (async () => {
    await stopAllChildren();
    if (adminUrl !== null) {
      await dropBenchDatabases(adminUrl).catch((error: unknown) => {
        console.error(`could not drop the bench databases: ${String(error)}`);
      });
    }
    for (const cleanup of cleanups) {
      cleanup();
    }
  })();
  return stopping;
}

async function dropBenchDatabases(adminUrl: string): Promise<void> {
  const admin = adminPool(adminUrl);
  try {
    for (const database of benchDatabases) {
      await dropDatabase(admin, database);
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
}

async function serverVersion(adminUrl: string): Promise<string | null> {
  const admin = adminPool(adminUrl);
  try {
    const [row] = await admin<{ server_version: string }[]>`SHOW server_version`;
    return row?.server_version ?? null;
  } catch (error) {
    throw new Error(`cannot reach Postgres at ${new URL(adminUrl).host}: ${String(error)}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

function gitCommit(): string | null {
  const head = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: import.meta.dir });
  if (head.exitCode !== 0) {
    return null;
  }
  const dirty = Bun.spawnSync(["git", "status", "--porcelain"], { cwd: import.meta.dir });
  const suffix = dirty.stdout.toString().trim() === "" ? "" : "-dirty";
  return `${head.stdout.toString().trim()}${suffix}`;
}

/** What the selected scenarios take, roughly: their load plus a little for each start. */
function estimateSeconds(selected: Scenario[], options: BenchOptions): number {
  const closed = (lengths: { warmupS: number; runs: number; runS: number }): number =>
    lengths.warmupS + lengths.runs * lengths.runS + 1;
  const seconds = (scenario: Scenario): number => {
    switch (scenario.kind) {
      case "pgbench":
        return closed(options) + 2;
      case "wrk":
        return closed(scenario.runLength === "short" ? options.shortRuns : options);
      case "decay":
        return options.warmupS + options.decay.windows * options.decay.windowS + 1;
      case "fixed-rate":
        return options.fixedRate.warmupS + options.fixedRate.durationS + 1;
      case "soak":
        // Starting and seeding the stack again comes first.
        return options.soak.warmupS + options.soak.durationS + 8;
    }
  };
  // The NestJS peer's tsc and start (npm ci, on a first run, comes on top).
  const peer = selected.some((scenario) => "target" in scenario && scenario.target === "peer");
  return 15 + (peer ? 20 : 0) + selected.reduce((sum, scenario) => sum + seconds(scenario), 0);
}

// --- entry ----------------------------------------------------------------------------------

let adminUrl: string | null = null;
/** Set when a signal or the time limit stops the run: its exit code. */
let stoppedWith: number | null = null;
try {
  const parsed = parseOptions(Bun.argv.slice(2));
  if (parsed === "help") {
    console.log(usage);
    process.exit(0);
  }
  adminUrl = parsed.adminUrl;
  const stopOn = (reason: string, code: number) => async (): Promise<void> => {
    stoppedWith = code;
    console.error(`\n${reason}: stopping every process the bench started`);
    await cleanUp(adminUrl);
    process.exit(code);
  };
  process.on("SIGINT", stopOn("interrupted", 130));
  process.on("SIGTERM", stopOn("terminated", 143));
  const limit = setTimeout(
    stopOn(`time limit of ${parsed.timeLimitS} s reached`, 124),
    parsed.timeLimitS * 1000,
  );
  const code = await main(parsed);
  clearTimeout(limit);
  await cleanUp(adminUrl);
  process.exit(code);
} catch (error) {
  // After a signal, what failed is only the work the signal cut short.
  if (stoppedWith === null) {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  await cleanUp(adminUrl);
  process.exit(stoppedWith ?? 1);
}
