// Consecutive wrk runs against one server process doing one PK read per request, to see
// whether throughput falls as the process ages, and with which knobs. Usage:
//   bun bench/investigations/pg-degradation/run.ts [--runs 8] [--seconds 5] [--label x]
// with the server's knobs (FRAMEWORK, DRIVER, POOL_MAX, IDLE_TIMEOUT, PREPARE) in the
// environment. Uses (and drops at the end) the bench_pgbench scratch database.
import { parseArgs } from "node:util";
import { preparePgbench, runPgbench } from "../../baselines.ts";
import { freePort, waitFor } from "../../loopback.ts";
import { cpuSeconds, machineCpuSeconds, postgresCpuSeconds, rssMb } from "../../proc.ts";
import { childEnv, spawnChild, stopAllChildren } from "../../processes.ts";
import { adminPool, dropDatabase } from "../../stack.ts";
import { ensureWrk, runWrk } from "../../wrk.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "8" },
    seconds: { type: "string", default: "5" },
    label: { type: "string", default: "" },
    pgbench: { type: "boolean", default: false },
  },
});
const runs = Math.min(30, Number(values.runs));
const seconds = Math.min(30, Number(values.seconds));
const adminUrl = "postgres://postgres@127.0.0.1:5432/postgres";
const knobs = ["FRAMEWORK", "DRIVER", "POOL_MAX", "IDLE_TIMEOUT", "PREPARE"]
  .map((name) => `${name}=${process.env[name] ?? "default"}`)
  .join(" ");

const wrk = await ensureWrk();
const url = await preparePgbench(adminUrl);
const port = freePort();
const server = spawnChild({
  name: "server",
  command: [process.execPath, `${import.meta.dir}/server.ts`],
  env: childEnv({
    PORT: String(port),
    DATABASE_URL: url,
    ...Object.fromEntries(
      ["FRAMEWORK", "DRIVER", "POOL_MAX", "IDLE_TIMEOUT", "PREPARE"].flatMap((name) => {
        const value = process.env[name];
        return value === undefined ? [] : [[name, value]];
      }),
    ),
  }),
});
try {
  await waitFor("server not ready", async () => (await fetch(`http://127.0.0.1:${port}/`)).ok, {
    withinMs: 10_000,
  });
  console.log(`${values.label} ${knobs}`);
  if (values.pgbench) {
    console.log(`  pgbench -S before: ${(await runPgbench(url, seconds)).tps.toFixed(0)} TPS`);
  }
  for (let run = 1; run <= runs; run++) {
    const cpuBefore = cpuSeconds(server.pid) ?? 0;
    const pgBefore = postgresCpuSeconds();
    const machineBefore = machineCpuSeconds().busy;
    const started = performance.now();
    const result = await runWrk(wrk, {
      url: `http://127.0.0.1:${port}/read`,
      durationS: seconds,
      threads: 2,
      connections: 64,
    });
    const wall = (performance.now() - started) / 1000;
    const cores = ((cpuSeconds(server.pid) ?? 0) - cpuBefore) / wall;
    const pgCores = (postgresCpuSeconds() - pgBefore) / wall;
    const machineCores = (machineCpuSeconds().busy - machineBefore) / wall;
    console.log(
      `  run ${String(run).padStart(2)}: ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s` +
        `  p50 ${result.latencyMs.p50.toFixed(2)} ms  p99 ${result.latencyMs.p99.toFixed(2)} ms` +
        `  server ${cores.toFixed(2)} cores, RSS ${rssMb(server.pid)} MB` +
        `  postgres ${pgCores.toFixed(2)}  wrk ${(result.generatorCpuSeconds / wall).toFixed(2)}` +
        `  machine ${machineCores.toFixed(2)} cores  errors ${result.non2xx}`,
    );
  }
  if (values.pgbench) {
    console.log(`  pgbench -S after: ${(await runPgbench(url, seconds)).tps.toFixed(0)} TPS`);
  }
} finally {
  await stopAllChildren();
  const admin = adminPool(adminUrl);
  await dropDatabase(admin, "bench_pgbench").finally(() => admin.end({ timeout: 5 }));
}
