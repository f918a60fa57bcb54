import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cpuSeconds } from "../../proc.ts";
import { type Child, childEnv, spawnChild, stopAllChildren } from "../../processes.ts";
import { seed } from "../../seed.ts";
import { benchGatewayEnv, SESSION_COOKIE, startStack, untilReady } from "../../stack.ts";
import { spread } from "../../stats.ts";
import { ensureWrk, runWrk, wrkErrorCount } from "../../wrk.ts";

// GET /api/notes?page_size=20 through two trees in turns (A B, then B A, ...): each side is its
// tree's notes service and its gateway in front of it, on the same identity, Postgres and seeded
// database, so the VM's drift falls on both sides of each pair. Reports the req/s ratio B/A and
// the CPU per request of each side's gateway and notes. Sides run from source (`src/main.ts`),
// or with --compiled from the trees' `dist/` binaries (`bun run build` in each). With --profile
// each process writes a Chrome CPU profile to /tmp/list-ab/<side>-<process>.cpuprofile (read it
// with profile-owners.ts or profile-top.ts).
//   bun bench/investigations/list-create/list-ab.ts --a /work/main --b /work/wt/list

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    a: { type: "string" },
    b: { type: "string" },
    rounds: { type: "string", default: "6" },
    seconds: { type: "string", default: "5" },
    path: { type: "string", default: "/api/notes?page_size=20" },
    compiled: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
  },
});
if (values.a === undefined || values.b === undefined) {
  throw new Error("--a <tree> and --b <tree> are required");
}
type Side = "A" | "B";
type Role = "gateway" | "notes";
const trees: Record<Side, string> = { A: values.a, B: values.b };
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const env = { OTEL_SDK_DISABLED: "true", HOST: "127.0.0.1", LOG_LEVEL: "info" };
const profileDir = "/tmp/list-ab";
mkdirSync(profileDir, { recursive: true });

const stack = await startStack(adminUrl, env);
await stack.processes.gateway.stop();
await stack.processes.notes.stop();
const seeded = await seed(stack.databaseUrls, { users: 500, notesPerUser: 40 });
const tokensFile = join(tmpdir(), `list-ab-${process.pid}.txt`);
await Bun.write(tokensFile, `${seeded.users.map((user) => user.token).join("\n")}\n`);
const basePort = Number(new URL(stack.gatewayUrl).port);
const ports = {
  A: { gateway: basePort + 11, notes: basePort + 12 },
  B: { gateway: basePort + 13, notes: basePort + 14 },
};
const url = (side: Side) => `http://127.0.0.1:${ports[side].gateway}`;

const packages: Record<Role, { dir: string; binary: string }> = {
  gateway: { dir: "gateway", binary: "dist/gateway" },
  notes: { dir: "service-template", binary: "dist/notes" },
};

function command(side: Side, role: Role): string[] {
  const { binary } = packages[role];
  if (values.compiled) {
    return [join(trees[side], packages[role].dir, binary)];
  }
  const profile = values.profile
    ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${side}-${role}.cpuprofile`]
    : [];
  return [process.execPath, ...profile, "src/main.ts"];
}

function start(side: Side, role: Role, extra: Record<string, string>): Child {
  return spawnChild({
    name: `${role}-${side}`,
    command: command(side, role),
    cwd: join(trees[side], packages[role].dir),
    env: childEnv({ ...env, ...extra }),
  });
}

async function startSide(side: Side): Promise<Record<Role, Child>> {
  const notes = start(side, "notes", {
    PORT: String(ports[side].notes),
    DATABASE_URL: stack.databaseUrls.notes,
    CALLER_PUBLIC_KEYS: stack.callerKeys.publicKey,
  });
  const gateway = start(side, "gateway", {
    ...benchGatewayEnv({
      port: ports[side].gateway,
      origin: url(side),
      callerSigningKey: stack.callerKeys.signingKey,
      identityAddress: stack.identityAddress,
      notesAddress: `127.0.0.1:${ports[side].notes}`,
    }),
  });
  await untilReady(gateway, async () => (await fetch(`${url(side)}/readyz`)).ok);
  return { gateway, notes };
}
const sides = { A: await startSide("A"), B: await startSide("B") };
const wrk = await ensureWrk();

interface Turn {
  rps: number;
  gatewayUs: number;
  notesUs: number;
}

async function load(side: Side, durationS: number): Promise<Turn> {
  const pids = { gateway: sides[side].gateway.pid, notes: sides[side].notes.pid };
  const before = { gateway: cpuSeconds(pids.gateway) ?? 0, notes: cpuSeconds(pids.notes) ?? 0 };
  const result = await runWrk(wrk, {
    url: `${url(side)}${values.path}`,
    durationS,
    threads: 2,
    connections: 64,
    script: {
      path: join(import.meta.dir, "../../wrk/requests.lua"),
      args: [tokensFile, SESSION_COOKIE, "GET", values.path ?? ""],
    },
  });
  if (wrkErrorCount(result) > 0) {
    throw new Error(`${side}: ${wrkErrorCount(result)} errors`);
  }
  const requests = result.requestsPerSecond * durationS;
  const us = (role: Role) =>
    Math.round((((cpuSeconds(pids[role]) ?? 0) - before[role]) / requests) * 1e6);
  return {
    rps: Math.round(result.requestsPerSecond),
    gatewayUs: us("gateway"),
    notesUs: us("notes"),
  };
}

const median = (xs: number[]): number => spread(xs).median;

try {
  await load("A", 3);
  await load("B", 3);
  const turns: Record<Side, Turn[]> = { A: [], B: [] };
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const order: Side[] = round % 2 === 0 ? ["A", "B"] : ["B", "A"];
    for (const side of order) {
      turns[side].push(await load(side, seconds));
    }
    ratios.push((turns.B.at(-1)?.rps ?? 0) / (turns.A.at(-1)?.rps ?? 1));
    console.log(`round ${round + 1}: B/A ${ratios.at(-1)?.toFixed(3)}`, {
      A: turns.A.at(-1),
      B: turns.B.at(-1),
    });
  }
  const summary = (side: Side) => ({
    rps: median(turns[side].map((turn) => turn.rps)),
    gatewayUs: median(turns[side].map((turn) => turn.gatewayUs)),
    notesUs: median(turns[side].map((turn) => turn.notesUs)),
  });
  const sorted = [...ratios].sort((a, b) => a - b).map((ratio) => Number(ratio.toFixed(3)));
  console.log(
    JSON.stringify({ ratioBA: median(ratios), ratios: sorted, A: summary("A"), B: summary("B") }),
  );
} finally {
  // SIGTERM: a profiled process writes its profile as it exits.
  const all = [sides.A.gateway, sides.A.notes, sides.B.gateway, sides.B.notes];
  await Promise.all(all.map((child) => child.stop(10_000)));
  await stopAllChildren();
}
