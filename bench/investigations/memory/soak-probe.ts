// The soak's load on a fresh stack, with each process's memory split by part (smaps.ts) at the
// start and every `--every` seconds: `bun soak-probe.ts [--seconds 300] [--every 30]`.
// Run under flock /tmp/heavy.lock: it recreates the bench's databases. BENCH_BIN_DIR picks the
// binaries (bench/stack.ts), BUN_OPTIONS passes through to them; `--diag` asks each process
// for its JS heap (SIGUSR2, see diag-entry.ts) when its binary was built with it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runFixedRate } from "../../fixed-rate.ts";
import { stopAllChildren } from "../../processes.ts";
import { scenarios } from "../../scenarios.ts";
import { seed } from "../../seed.ts";
import {
  adminPool,
  benchDatabases,
  dropDatabase,
  SESSION_COOKIE,
  startStack,
} from "../../stack.ts";
import { memoryParts } from "./smaps.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "300" },
    every: { type: "string", default: "30" },
    rate: { type: "string", default: "1000" },
    diag: { type: "boolean", default: false },
    // With each sample, each process's JS heap after a full GC (a diag build): what stays live.
    // A heap that grows from sample to sample under a steady load is a leak; a full GC every
    // sample also moves the RSS, so read the RSS from runs without it.
    "diag-every": { type: "boolean", default: false },
    // Only the rotation's requests whose path, or method and path, starts with this (/api/me,
    // "POST /api/notes"): which route's load makes a process's memory. The rate is then spread
    // over those requests alone.
    only: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const matches = (request: { method: string; path: string }, only: string) =>
  request.path.startsWith(only) || `${request.method} ${request.path}`.startsWith(only);
const every = Number(values.every);
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const soak = scenarios.find((scenario) => scenario.name === "soak");
if (soak === undefined || soak.kind !== "soak") {
  throw new Error("no soak scenario");
}
const work = mkdtempSync(join(tmpdir(), "soak-probe-"));
try {
  const stack = await startStack(adminUrl, { OTEL_SDK_DISABLED: "true" });
  const seeded = await seed(stack.databaseUrls, { users: 500, notesPerUser: 40 });
  const tokensFile = join(work, "tokens.txt");
  writeFileSync(tokensFile, `${seeded.users.map((user) => user.token).join("\n")}\n`);
  const sample = async (atS: number) => {
    const row: Record<string, unknown> = { atS };
    for (const [role, child] of Object.entries(stack.processes)) {
      row[role] = memoryParts(child.pid);
      if (values["diag-every"]) {
        row[`${role}LiveHeapMb`] = (await liveHeap(child.pid)).after.heapSizeMb;
      }
    }
    console.log(JSON.stringify(row));
  };
  await sample(0);
  const run = runFixedRate({
    requests: soak.requests
      .filter((request) => values.only === undefined || matches(request, values.only))
      .map((request) => ({
        method: request.method,
        url: `${stack.gatewayUrl}${request.path}`,
        body: request.body,
      })),
    rate: Number(values.rate),
    durationS: seconds,
    warmupS: 1,
    tokensFile,
    cookieName: SESSION_COOKIE,
  });
  for (let at = every; at <= seconds; at += every) {
    await Bun.sleep(every * 1000);
    await sample(at);
  }
  const result = await run;
  console.log(
    JSON.stringify({
      achieved: result.achievedRate,
      p50: result.latencyMs.p50,
      p99: result.latencyMs.p99,
      errors: result.errors,
      statuses: result.statuses,
      max: result.latencyMs.max,
      byRequest: result.byRequest.map(({ request, latencyMs }) => [request, latencyMs.p99]),
    }),
  );
  if (values.diag) {
    for (const [role, child] of Object.entries(stack.processes)) {
      console.log(role, JSON.stringify(await liveHeap(child.pid)));
    }
  }
} finally {
  await stopAllChildren();
  const admin = adminPool(adminUrl);
  for (const database of benchDatabases) {
    await dropDatabase(admin, database);
  }
  await admin.end({ timeout: 5 });
  rmSync(work, { recursive: true, force: true });
}

/** What diag.ts writes on SIGUSR2: the JS heap before and after a full GC. */
async function liveHeap(pid: number): Promise<{ after: { heapSizeMb: number } }> {
  process.kill(pid, "SIGUSR2");
  await Bun.sleep(1500);
  const file = `/tmp/rss-diag-${pid}.json`;
  const text = readFileSync(file, "utf8");
  rmSync(file);
  return JSON.parse(text);
}
