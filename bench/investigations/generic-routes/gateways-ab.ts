import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cpuSeconds } from "../../proc.ts";
import { childEnv, spawnChild, stopAllChildren } from "../../processes.ts";
import { seed } from "../../seed.ts";
import { SESSION_COOKIE, startStack, untilReady } from "../../stack.ts";
import { spread } from "../../stats.ts";
import { ensureWrk, runWrk, wrkErrorCount } from "../../wrk.ts";

// Two gateway builds in front of the same identity, notes and Postgres, loaded in turns
// (A B, then B A, ...), so that both see the same machine at nearly the same moment: the VM's
// drift, which moves whole bench runs by tens of percent, cancels in each pair. Each side is a
// tree's compiled gateway (its gateway/dist/gateway), or with --source its src/main.ts; with
// --profile (implies --source) each writes a CPU profile in Markdown to /tmp/gateways-ab/.
//   bun bench/investigations/generic-routes/gateways-ab.ts --a /work/main --b /work/wt/gen

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    a: { type: "string" },
    b: { type: "string" },
    rounds: { type: "string", default: "7" },
    seconds: { type: "string", default: "5" },
    only: { type: "string" },
    source: { type: "boolean", default: false },
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
const seeded = await seed(stack.databaseUrls, { users: 500, notesPerUser: 40 });
const tokensFile = join(tmpdir(), `gateways-ab-${process.pid}.txt`);
await Bun.write(tokensFile, `${seeded.users.map((user) => user.token).join("\n")}\n`);
const basePort = Number(new URL(stack.gatewayUrl).port);
const urls = { A: `http://127.0.0.1:${basePort + 1}`, B: `http://127.0.0.1:${basePort + 2}` };
// One origin for both: wrk's Origin header then passes both CSRF guards.
const origin = urls.A;

function gatewayCommand(side: Side): string[] {
  const tree = trees[side];
  if (!values.source && !values.profile) {
    return [join(tree, "gateway/dist/gateway")];
  }
  const profile = [
    "--cpu-prof-md",
    "--cpu-prof-dir=/tmp/gateways-ab",
    `--cpu-prof-name=${side}.md`,
  ];
  return [process.execPath, ...(values.profile ? profile : []), join(tree, "gateway/src/main.ts")];
}

async function startGateway(side: Side) {
  const child = spawnChild({
    name: `gateway-${side}`,
    command: gatewayCommand(side),
    cwd: join(trees[side], "gateway"),
    env: childEnv({
      ...env,
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      MODE: "production",
      PORT: new URL(urls[side]).port,
      APP_ORIGIN: origin,
      ALLOW_HTTP_ORIGIN: "true",
      CALLER_SIGNING_KEY: stack.callerKeys.signingKey,
      IDENTITY_ADDRESS: stack.identityAddress,
      REST_SERVICES: `trellis.notes.v1.NotesService=${stack.notesAddress}`,
      API_RATE_LIMIT_PER_MINUTE: "1000000",
    }),
  });
  await untilReady(child, async () => (await fetch(`${urls[side]}/readyz`)).ok);
  return child;
}
const gateways = { A: await startGateway("A"), B: await startGateway("B") };
const pids = { A: gateways.A.pid, B: gateways.B.pid };

const scenarios = [
  { name: "me", method: "GET", path: "/api/me", body: undefined },
  { name: "notes-list", method: "GET", path: "/api/notes?page_size=20", body: undefined },
  {
    name: "notes-create",
    method: "POST",
    path: "/api/notes",
    body: JSON.stringify({ title: "bench note", body: "written by gateways-ab.ts" }),
  },
] as const;
const wrk = await ensureWrk();

async function load(side: Side, scenario: (typeof scenarios)[number], durationS: number) {
  const before = cpuSeconds(pids[side]) ?? 0;
  const args = [tokensFile, SESSION_COOKIE, scenario.method, scenario.path];
  const result = await runWrk(wrk, {
    url: `${urls[side]}${scenario.path}`,
    durationS,
    threads: 2,
    connections: 64,
    script: {
      path: join(import.meta.dir, "../../wrk/requests.lua"),
      args: scenario.body === undefined ? args : [...args, origin, scenario.body],
    },
  });
  const cpu = (cpuSeconds(pids[side]) ?? 0) - before;
  const requests = result.requestsPerSecond * durationS;
  return {
    rps: result.requestsPerSecond,
    cpuUs: (cpu / requests) * 1e6,
    errors: wrkErrorCount(result),
  };
}

const median = (xs: number[]): number => spread(xs).median;

const report: Record<string, unknown> = {};
try {
  const only = values.only?.split(",");
  for (const scenario of scenarios.filter((s) => only === undefined || only.includes(s.name))) {
    await load("A", scenario, 3);
    await load("B", scenario, 3);
    const ratios: number[] = [];
    const cpu: Record<Side, number[]> = { A: [], B: [] };
    for (let round = 0; round < rounds; round++) {
      const order: Side[] = round % 2 === 0 ? ["A", "B"] : ["B", "A"];
      const got: Partial<Record<Side, { rps: number; cpuUs: number }>> = {};
      for (const side of order) {
        got[side] = await load(side, scenario, seconds);
        cpu[side].push(got[side].cpuUs);
      }
      ratios.push((got.B?.rps ?? 0) / (got.A?.rps ?? 1));
      console.log(`${scenario.name} round ${round + 1}: B/A ${ratios.at(-1)?.toFixed(3)}`, got);
    }
    report[scenario.name] = {
      rpsRatioBA: { median: median(ratios), all: ratios },
      gatewayCpuUsPerRequest: { A: median(cpu.A), B: median(cpu.B) },
    };
  }
  console.log(JSON.stringify(report, null, 2));
} finally {
  // SIGTERM: a profiled gateway writes its profile as it exits.
  await Promise.all([gateways.A.stop(10_000), gateways.B.stop(10_000)]);
  await stopAllChildren();
}
