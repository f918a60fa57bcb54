import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { checkHealth } from "@trellis/service-kit";
import { preparePgbenchInsert, runPgbench } from "../../baselines.ts";
import { freePort } from "../../loopback.ts";
import { cpuSeconds, machineCpuSeconds, postgresCpuSeconds } from "../../proc.ts";
import { type Child, childEnv, spawnChild, stopAllChildren } from "../../processes.ts";
import { seed } from "../../seed.ts";
import {
  adminPool,
  benchDatabases,
  benchGatewayEnv,
  dropDatabase,
  SESSION_COOKIE,
  startStack,
  untilReady,
} from "../../stack.ts";
import { spread } from "../../stats.ts";
import { ensureWrk, runWrk, wrkErrorCount } from "../../wrk.ts";

// POST /api/notes on two notes+gateway pairs (A and B) in front of one identity and one
// database, loaded by wrk in turns (A B, then B A, ...), so that both see the same machine at
// nearly the same moment. Each side is a tree's compiled notes and gateway (or, with --source,
// their src/main.ts; with --profile, under Bun's sampling profiler, writing Markdown profiles to
// /tmp/create-ab/), with extra environment for its notes (--a-env / --b-env KEY=V,KEY=V): so a
// setting (DATABASE_POOL_MAX) and a code change are measured alike. With --pgbench, each round
// also runs the pgbench insert baseline (16 clients, one INSERT per transaction), for the ratio.
//   bun bench/investigations/list-create/create-ab.ts --a /work/main --b /work/wt/create

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    a: { type: "string" },
    b: { type: "string" },
    "a-env": { type: "string", default: "" },
    "b-env": { type: "string", default: "" },
    rounds: { type: "string", default: "6" },
    seconds: { type: "string", default: "8" },
    source: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    // With --profile: Chrome's .cpuprofile JSON (every sample's stack) rather than Markdown.
    "profile-json": { type: "boolean", default: false },
    pgbench: { type: "boolean", default: false },
    // Counts each process's socket and poll syscalls per request in the first round (perf stat).
    syscalls: { type: "boolean", default: false },
  },
});
if (values.a === undefined || values.b === undefined) {
  throw new Error("--a <tree> and --b <tree> are required");
}
type Side = "A" | "B";
const trees: Record<Side, string> = { A: values.a, B: values.b };
const extraEnv: Record<Side, Record<string, string>> = {
  A: parseEnv(values["a-env"]),
  B: parseEnv(values["b-env"]),
};
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const env = { OTEL_SDK_DISABLED: "true" };

function parseEnv(text: string): Record<string, string> {
  const pairs = text
    .split(",")
    .filter((pair) => pair !== "")
    .map((pair) => pair.split("=") as [string, string]);
  return Object.fromEntries(pairs);
}

function command(side: Side, name: "gateway" | "notes", dir: string): string[] {
  if (!values.source && !values.profile) {
    return [join(trees[side], dir, "dist", name)];
  }
  const json = values["profile-json"];
  const profile = [
    json ? "--cpu-prof" : "--cpu-prof-md",
    "--cpu-prof-dir=/tmp/create-ab",
    `--cpu-prof-name=${name}-${side}.${json ? "cpuprofile" : "md"}`,
  ];
  return [
    process.execPath,
    ...(values.profile ? profile : []),
    join(trees[side], dir, "src/main.ts"),
  ];
}

const stack = await startStack(adminUrl, env);
await stack.processes.gateway.stop();
const seeded = await seed(stack.databaseUrls, { users: 500, notesPerUser: 40 });
await stack.processes.notes.stop();
const tokensFile = join(tmpdir(), `create-ab-${process.pid}.txt`);
await Bun.write(tokensFile, `${seeded.users.map((user) => user.token).join("\n")}\n`);
const taken = new Set<number>();
const port = (): number => {
  const free = freePort(taken);
  taken.add(free);
  return free;
};
const urls: Record<Side, string> = {
  A: `http://127.0.0.1:${port()}`,
  B: `http://127.0.0.1:${port()}`,
};
// One origin for both: wrk's Origin header then passes both CSRF guards.
const origin = urls.A;

async function startSide(side: Side): Promise<{ gateway: Child; notes: Child }> {
  const notesAddress = `127.0.0.1:${port()}`;
  const notes = spawnChild({
    name: `notes-${side}`,
    command: command(side, "notes", "service-template"),
    cwd: join(trees[side], "service-template"),
    env: childEnv({
      ...env,
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      PORT: notesAddress.split(":")[1] ?? "",
      DATABASE_URL: stack.databaseUrls.notes,
      CALLER_PUBLIC_KEYS: stack.callerKeys.publicKey,
      ...extraEnv[side],
    }),
  });
  await untilReady(
    notes,
    async () => (await checkHealth(notesAddress, { timeoutMs: 500 })) === "SERVING",
  );
  const gateway = spawnChild({
    name: `gateway-${side}`,
    command: command(side, "gateway", "gateway"),
    cwd: join(trees[side], "gateway"),
    env: childEnv({
      ...env,
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      ...benchGatewayEnv({
        port: new URL(urls[side]).port,
        origin,
        callerSigningKey: stack.callerKeys.signingKey,
        identityAddress: stack.identityAddress,
        notesAddress,
      }),
    }),
  });
  await untilReady(gateway, async () => (await fetch(`${urls[side]}/readyz`)).ok);
  return { gateway, notes };
}

const sides = { A: await startSide("A"), B: await startSide("B") };
const pgbenchUrl = values.pgbench ? await preparePgbenchInsert(adminUrl) : null;
const wrk = await ensureWrk();
const body = JSON.stringify({ title: "bench note", body: "written by create-ab.ts" });

const round1 = (x: number) => Math.round(x * 10) / 10;

const SYSCALLS = ["write", "writev", "sendto", "sendmsg", "read", "recvfrom", "recvmsg"]
  .concat(["epoll_wait", "epoll_pwait", "epoll_pwait2", "futex"])
  .map((name) => `syscalls:sys_enter_${name}`);

/** perf stat of `pid`'s syscalls above for `seconds`: count by syscall name. */
async function countSyscalls(pid: number, seconds: number): Promise<Record<string, number>> {
  const perf = Bun.spawn(
    [
      "perf",
      "stat",
      "-x,",
      "-e",
      SYSCALLS.join(","),
      "-p",
      String(pid),
      "--",
      "sleep",
      String(seconds),
    ],
    { stdout: "ignore", stderr: "pipe" },
  );
  const text = await new Response(perf.stderr).text();
  await perf.exited;
  const counts: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const [count, , event] = line.split(",");
    if (event?.startsWith("syscalls:sys_enter_") && count !== undefined) {
      counts[event.slice("syscalls:sys_enter_".length)] = Number(count);
    }
  }
  return counts;
}

/** User and system CPU seconds of `pid` (/proc/<pid>/stat's utime and stime). */
function userSystemSeconds(pid: number): [number, number] {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return [Number(fields[11]) / 100, Number(fields[12]) / 100];
}

interface Load {
  rps: number;
  p50: number;
  /** CPU µs per request: the side's gateway, its notes, all of Postgres, the whole machine. */
  us: { gateway: number; notes: number; postgres: number; machine: number };
  /** The share of each process's CPU spent in the kernel. */
  systemShare: { gateway: number; notes: number };
  /** With --syscalls, on the round's first load: syscalls per request, by process. */
  syscallsPerRequest?: Record<"gateway" | "notes", Record<string, number>>;
  errors: number;
}

/** The kernel's share of `pid`'s CPU since `before` (userSystemSeconds), in percent. */
function systemShareSince(pid: number, before: [number, number]): number {
  const [user, system] = userSystemSeconds(pid);
  const kernel = system - before[1];
  return round1((kernel / (user - before[0] + kernel)) * 100);
}

/** Counted over the whole run but its first and last second: requests ≈ rps × (duration - 2). */
function countDuring(pids: [number, number], durationS: number) {
  return Bun.sleep(1000).then(() =>
    Promise.all(pids.map((pid) => countSyscalls(pid, durationS - 2))),
  );
}

function perRequest(counts: Record<string, number> | undefined, requests: number) {
  return Object.fromEntries(
    Object.entries(counts ?? {}).map(([name, n]) => [name, round1((n / requests) * 10) / 10]),
  );
}

function postNotes(side: Side, durationS: number) {
  return runWrk(wrk, {
    url: `${urls[side]}/api/notes`,
    durationS,
    threads: 2,
    connections: 64,
    script: {
      path: join(import.meta.dir, "../../wrk/requests.lua"),
      args: [tokensFile, SESSION_COOKIE, "POST", "/api/notes", origin, body],
    },
  });
}

async function load(side: Side, durationS: number, syscalls = false): Promise<Load> {
  const { gateway, notes } = sides[side];
  const before = [cpuSeconds(gateway.pid), cpuSeconds(notes.pid), postgresCpuSeconds()];
  const split = [userSystemSeconds(gateway.pid), userSystemSeconds(notes.pid)] as const;
  const machineBefore = machineCpuSeconds().busy;
  const counting = syscalls ? countDuring([gateway.pid, notes.pid], durationS) : null;
  const result = await postNotes(side, durationS);
  const after = [cpuSeconds(gateway.pid), cpuSeconds(notes.pid), postgresCpuSeconds()];
  const requests = result.requestsPerSecond * durationS;
  const us = (i: number) => (((after[i] ?? 0) - (before[i] ?? 0)) / requests) * 1e6;
  const machine = ((machineCpuSeconds().busy - machineBefore) / requests) * 1e6;
  const counted = counting === null ? null : await counting;
  const countedRequests = result.requestsPerSecond * (durationS - 2);
  return {
    rps: Math.round(result.requestsPerSecond),
    p50: result.latencyMs.p50,
    us: { gateway: us(0), notes: us(1), postgres: us(2), machine },
    systemShare: {
      gateway: systemShareSince(gateway.pid, split[0]),
      notes: systemShareSince(notes.pid, split[1]),
    },
    ...(counted === null
      ? {}
      : {
          syscallsPerRequest: {
            gateway: perRequest(counted[0], countedRequests),
            notes: perRequest(counted[1], countedRequests),
          },
        }),
    errors: wrkErrorCount(result),
  };
}

const median = (xs: number[]): number => spread(xs).median;

try {
  await load("A", 3);
  await load("B", 3);
  const ratios: number[] = [];
  const got: Record<Side, Load[]> = { A: [], B: [] };
  const pgbench: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const order: Side[] = round % 2 === 0 ? ["A", "B"] : ["B", "A"];
    const loads: Partial<Record<Side, Load>> = {};
    for (const side of order) {
      loads[side] = await load(side, seconds, values.syscalls && round === 0);
      got[side].push(loads[side]);
    }
    if (pgbenchUrl !== null) {
      pgbench.push((await runPgbench(pgbenchUrl, seconds, "insert-note")).tps);
    }
    ratios.push((loads.B?.rps ?? 0) / (loads.A?.rps ?? 1));
    console.log(
      `round ${round + 1}: B/A ${ratios.at(-1)?.toFixed(3)} pgbench-insert ${pgbench.at(-1) ?? "-"}`,
      JSON.stringify(loads),
    );
  }
  const summary = (side: Side) => ({
    rps: median(got[side].map((l) => l.rps)),
    p50: median(got[side].map((l) => l.p50)),
    errors: got[side].reduce((sum, l) => sum + l.errors, 0),
    cpuUsPerRequest: Object.fromEntries(
      (["gateway", "notes", "postgres", "machine"] as const).map((k) => [
        k,
        round1(median(got[side].map((l) => l.us[k]))),
      ]),
    ),
  });
  const pg = pgbench.length > 0 ? median(pgbench) : null;
  const a = summary("A");
  const b = summary("B");
  console.log(
    JSON.stringify(
      {
        a: { tree: trees.A, env: extraEnv.A, ...a, ofPgbenchInsert: pg && a.rps / pg },
        b: { tree: trees.B, env: extraEnv.B, ...b, ofPgbenchInsert: pg && b.rps / pg },
        rpsRatioBA: { median: median(ratios), all: ratios.map((r) => round1(r * 100) / 100) },
        pgbenchInsert: { median: pg, all: pgbench },
      },
      null,
      2,
    ),
  );
} finally {
  // SIGTERM: a profiled process writes its profile as it exits.
  await Promise.all(
    Object.values(sides).flatMap(({ gateway, notes }) => [
      gateway.stop(10_000),
      notes.stop(10_000),
    ]),
  );
  await stopAllChildren();
  const admin = adminPool(adminUrl);
  for (const database of benchDatabases) {
    await dropDatabase(admin, database);
  }
  await admin.end({ timeout: 5 });
}
