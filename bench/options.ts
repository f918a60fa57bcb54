import { parseArgs } from "node:util";
import { assertLoopback } from "./loopback.ts";
import type { ScenarioName } from "./scenario-kinds.ts";
import { scenarioNames } from "./scenarios.ts";

export interface BenchOptions {
  quick: boolean;
  /** Keep OpenTelemetry on in every process, exporting to a loopback sink (else it is off). */
  tracing: boolean;
  /** The scenarios to run, in the suite's order. */
  selected: ScenarioName[];
  /** Discarded load before each closed-loop scenario's runs. */
  warmupS: number;
  runs: number;
  runS: number;
  /** The closed-loop scenarios marked `runLength: "short"`. */
  shortRuns: { warmupS: number; runs: number; runS: number };
  /** The decay scenario: after the warm-up, this many back-to-back wrk runs of `windowS`. */
  decay: { windows: number; windowS: number };
  fixedRate: { rate: number; durationS: number; warmupS: number };
  /** The soak: the fixed rate for `durationS` after `warmupS`, RSS sampled every `sampleEveryS`. */
  soak: { durationS: number; warmupS: number; sampleEveryS: number };
  wrk: { threads: number; connections: number };
  seed: { users: number; notesPerUser: number };
  /** A superuser connection to the local Postgres (its maintenance database). */
  adminUrl: string;
  /** Everything is stopped and the run fails after this long, whatever it is doing. */
  timeLimitS: number;
}

export const usage = `bun bench/run.ts [--quick] [--only <scenario>[,...]] [--rate <req/s>] [--tracing]

  --quick    smoke run: 1 run of 3 s per scenario, decay 3 × 3 s, fixed rate for 5 s, soak 20 s
  --only     run only these: ${scenarioNames.join(", ")}
  --rate     the fixed-rate scenarios' and the soak's rate (default 1000 req/s)
  --tracing  keep OpenTelemetry on in every process (it is off by default: OTEL_SDK_DISABLED),
             exporting every span to a sink on loopback

  BENCH_DATABASE_URL   Postgres to use (default postgres://postgres@127.0.0.1:5432/postgres);
                       loopback only. The bench creates and drops bench_identity, bench_notes
                       and bench_pgbench there.
  BENCH_BIN_DIR        where compiled binaries (gateway, identity, notes) are looked for first;
                       then dist/ of the workspace, then dist/ of each package; else source.
  BENCH_LOG_LEVEL      the processes' LOG_LEVEL (default info, as in production).`;

export function parseOptions(argv: string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      rate: { type: "string" },
      tracing: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    return "help";
  }
  const only = values.only?.split(",").map((name) => name.trim());
  const unknown = only?.filter((name) => !scenarioNames.includes(name as ScenarioName)) ?? [];
  if (unknown.length > 0 || only?.length === 0) {
    throw new Error(`--only: unknown scenario ${unknown.join(", ")}\n\n${usage}`);
  }
  const rate = values.rate === undefined ? 1_000 : Number(values.rate);
  if (!Number.isInteger(rate) || rate < 1 || rate > 20_000) {
    throw new Error(`--rate: a whole number of requests per second, 1 to 20000\n\n${usage}`);
  }
  const quick = values.quick;
  return {
    quick,
    tracing: values.tracing,
    selected: scenarioNames.filter((name) => only === undefined || only.includes(name)),
    warmupS: quick ? 1 : 3,
    runs: quick ? 1 : 3,
    runS: quick ? 3 : 10,
    shortRuns: { warmupS: quick ? 1 : 2, runs: quick ? 1 : 3, runS: quick ? 3 : 5 },
    decay: { windows: quick ? 3 : 6, windowS: quick ? 3 : 10 },
    fixedRate: { rate, durationS: quick ? 5 : 30, warmupS: quick ? 1 : 3 },
    soak: { durationS: quick ? 20 : 300, warmupS: quick ? 1 : 3, sampleEveryS: quick ? 5 : 30 },
    wrk: { threads: 2, connections: 64 },
    seed: { users: 500, notesPerUser: 40 },
    adminUrl: assertLoopback(
      process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    ),
    // About 2.5 and 15 minutes of work (run.ts prints its estimate): room for slow starts and
    // the NestJS peer's first npm ci.
    timeLimitS: quick ? 480 : 1_260,
  };
}
