import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cpuSeconds } from "../../proc.ts";
import { childEnv, spawnChild, stopAllChildren } from "../../processes.ts";
import { seed } from "../../seed.ts";
import { benchGatewayEnv, SESSION_COOKIE, startStack, untilReady } from "../../stack.ts";
import { spread } from "../../stats.ts";
import { ensureWrk, runWrk, wrkErrorCount } from "../../wrk.ts";

// GET /healthz and GET /api/me on two gateway builds in front of the same identity and Postgres,
// loaded in turns (A B, then B A, ...) as generic-routes/gateways-ab.ts does: the VM's drift
// cancels in each pair. `hello` runs as the bench runs it (wrk without a script), `me` with
// bench/wrk/requests.lua rotating the 500 seeded cookies. Reports, per scenario, the median of
// the pairs' B÷A req/s, each gateway's CPU per request, and each side's me ÷ hello.
//   bun bench/investigations/me-path/ab.ts --a /work/main --b /work/wt/me
// With --profile each gateway runs from source under `--cpu-prof-md` (/tmp/me-path-ab/).

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    a: { type: "string" },
    b: { type: "string" },
    rounds: { type: "string", default: "7" },
    seconds: { type: "string", default: "5" },
    only: { type: "string" },
    profile: { type: "boolean", default: false },
  },
});
if (values.a === undefined || values.b === undefined) {
  throw new Error("--a <tree> and --b <tree> are required");
}
const trees = { A: values.a, B: values.b };
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const env = { OTEL_SDK_DISABLED: "true" };
type Side = "A" | "B";

const stack = await startStack(adminUrl, env);
await stack.processes.gateway.stop();
const seeded = await seed(stack.databaseUrls, { users: 500, notesPerUser: 1 });
const tokensFile = join(tmpdir(), `me-path-ab-${process.pid}.txt`);
await Bun.write(tokensFile, `${seeded.users.map((user) => user.token).join("\n")}\n`);
const basePort = Number(new URL(stack.gatewayUrl).port);
const urls = { A: `http://127.0.0.1:${basePort + 1}`, B: `http://127.0.0.1:${basePort + 2}` };

function gatewayCommand(side: Side): string[] {
  const tree = trees[side];
  if (!values.profile) {
    return [join(tree, "gateway/dist/gateway")];
  }
  const profile = ["--cpu-prof-md", "--cpu-prof-dir=/tmp/me-path-ab", `--cpu-prof-name=${side}.md`];
  return [process.execPath, ...profile, join(tree, "gateway/src/main.ts")];
}

async function startGateway(side: Side) {
  const child = spawnChild({
    name: `gateway-${side}`,
    command: gatewayCommand(side),
    cwd: join(trees[side], "gateway"),
    // As bench/stack.ts starts the gateway.
    env: childEnv({
      ...env,
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      ...benchGatewayEnv({
        port: new URL(urls[side]).port,
        origin: urls[side],
        callerSigningKey: stack.callerKeys.signingKey,
        identityAddress: stack.identityAddress,
        notesAddress: stack.notesAddress,
      }),
    }),
  });
  await untilReady(child, async () => (await fetch(`${urls[side]}/readyz`)).ok);
  return child;
}
const gateways = { A: await startGateway("A"), B: await startGateway("B") };
const pids = { A: gateways.A.pid, B: gateways.B.pid };

const scenarios = [
  { name: "hello", path: "/healthz", script: false },
  { name: "me", path: "/api/me", script: true },
] as const;
type Scenario = (typeof scenarios)[number];
const wrk = await ensureWrk();

async function load(side: Side, scenario: Scenario, durationS: number) {
  const before = cpuSeconds(pids[side]) ?? 0;
  const script = {
    path: join(import.meta.dir, "../../wrk/requests.lua"),
    args: [tokensFile, SESSION_COOKIE, "GET", scenario.path],
  };
  const result = await runWrk(wrk, {
    url: `${urls[side]}${scenario.path}`,
    durationS,
    threads: 2,
    connections: 64,
    ...(scenario.script ? { script } : {}),
  });
  const cpu = (cpuSeconds(pids[side]) ?? 0) - before;
  const requests = result.requestsPerSecond * durationS;
  if (wrkErrorCount(result) > 0) {
    throw new Error(`${side} ${scenario.name}: ${wrkErrorCount(result)} errors`);
  }
  return { rps: result.requestsPerSecond, cpuUs: (cpu / requests) * 1e6 };
}

const median = (xs: number[]): number => spread(xs).median;
const round3 = (x: number) => Number(x.toFixed(3));

async function compare(scenario: Scenario) {
  await load("A", scenario, 3);
  await load("B", scenario, 3);
  const ratios: number[] = [];
  const rps: Record<Side, number[]> = { A: [], B: [] };
  const cpu: Record<Side, number[]> = { A: [], B: [] };
  for (let round = 0; round < rounds; round++) {
    const order: Side[] = round % 2 === 0 ? ["A", "B"] : ["B", "A"];
    for (const side of order) {
      const got = await load(side, scenario, seconds);
      rps[side].push(got.rps);
      cpu[side].push(got.cpuUs);
    }
    ratios.push((rps.B.at(-1) ?? 0) / (rps.A.at(-1) ?? 1));
    console.log(
      `${scenario.name} round ${round + 1}: B/A ${ratios.at(-1)?.toFixed(3)}`,
      `A ${rps.A.at(-1)?.toFixed(0)} req/s ${cpu.A.at(-1)?.toFixed(1)} µs`,
      `B ${rps.B.at(-1)?.toFixed(0)} req/s ${cpu.B.at(-1)?.toFixed(1)} µs`,
    );
  }
  return {
    rpsRatioBA: { median: round3(median(ratios)), all: ratios.map(round3) },
    rps: { A: Math.round(median(rps.A)), B: Math.round(median(rps.B)) },
    gatewayCpuUsPerRequest: { A: round3(median(cpu.A)), B: round3(median(cpu.B)) },
  };
}

const report: Record<string, Awaited<ReturnType<typeof compare>>> = {};
try {
  const only = values.only?.split(",");
  for (const scenario of scenarios.filter((s) => only === undefined || only.includes(s.name))) {
    report[scenario.name] = await compare(scenario);
  }
  const { hello, me } = report;
  const summary =
    hello && me
      ? { meOverHello: { A: round3(me.rps.A / hello.rps.A), B: round3(me.rps.B / hello.rps.B) } }
      : {};
  console.log(JSON.stringify({ a: trees.A, b: trees.B, ...report, ...summary }, null, 2));
} finally {
  // SIGTERM: a profiled gateway writes its profile as it exits.
  await Promise.all([gateways.A.stop(10_000), gateways.B.stop(10_000)]);
  await stopAllChildren();
}
