// A: grpc-js's server, B: unary-server.ts on node:http2, both on Bun, loaded in turns by the kit's
// client from another process (load.ts) for each payload (create, list) and calls in flight (1,
// 64). Prints calls/s and each side's CPU per call, and the table of README.md (medians of the
// rounds; B ÷ A is the median of each round's ratio). Run it under `flock /tmp/heavy.lock`:
//   bun bench/investigations/h2-server/run.ts [--rounds 5] [--seconds 5] [--warmup 2] [--no-tokens] [--kit]
// (--no-tokens: calls without the caller token, to see what its ~450 bytes of HPACK cost;
// --kit: B is the kit's product server, kit-server.ts, instead of the probe; --kit-vs <dir>: A is
// kit-server.ts too, on the service-kit at <dir> (a copy of another version, its node_modules
// linked to this one's), so A → B is that version's server → this tree's.)
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort, waitFor } from "../../loopback.ts";
import { type Child, childEnv, spawnChild, stopAllChildren } from "../../processes.ts";
import { spread } from "../../stats.ts";
import type { Payload } from "./notes-like-definition.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    seconds: { type: "string", default: "5" },
    warmup: { type: "string", default: "2" },
    "no-tokens": { type: "boolean", default: false },
    kit: { type: "boolean", default: false },
    "kit-vs": { type: "string" },
  },
});
const rounds = Math.min(10, Number(values.rounds));
const seconds = Math.min(30, Number(values.seconds));
const warmup = Math.min(10, Number(values.warmup));
const here = import.meta.dir;

const kitVs = values["kit-vs"];
const servers: { side: "A" | "B"; name: string; file: string; env?: Record<string, string> }[] = [
  kitVs === undefined
    ? { side: "A", name: "grpc-js", file: "grpc-js-server.ts" }
    : {
        side: "A",
        name: `kit server at ${kitVs}`,
        file: "kit-server.ts",
        env: { KIT_SOURCE: join(kitVs, "src/index.ts") },
      },
  values.kit || kitVs !== undefined
    ? { side: "B", name: "kit server", file: "kit-server.ts" }
    : { side: "B", name: "node:http2", file: "h2-server.ts" },
];
const cases = [
  { payload: "create", inFlight: 1 },
  { payload: "create", inFlight: 64 },
  { payload: "list", inFlight: 1 },
  { payload: "list", inFlight: 64 },
] as const satisfies { payload: Payload; inFlight: number }[];

interface Row {
  rate: number;
  serverUs: number;
  clientUs: number;
}

async function startServer(
  file: string,
  name: string,
  env: Record<string, string> = {},
): Promise<{ child: Child; port: number }> {
  const port = freePort();
  const child = spawnChild({
    name,
    command: [process.execPath, join(here, file)],
    cwd: here,
    env: childEnv({ ...env, PORT: String(port) }),
  });
  await waitFor(`${name} did not start`, async () => child.output().includes("ready"), {
    withinMs: 10_000,
  });
  return { child, port };
}

async function measure(
  server: { child: Child; port: number },
  { payload, inFlight }: { payload: Payload; inFlight: number },
): Promise<Row> {
  const load = spawnChild({
    name: "load",
    command: [
      process.execPath,
      join(here, "load.ts"),
      String(server.port),
      String(server.child.pid),
      payload,
      String(inFlight),
      String(warmup),
      String(seconds),
      values["no-tokens"] ? "no-tokens" : "tokens",
    ],
    cwd: here,
    env: childEnv({}),
  });
  if ((await load.exited) !== 0) {
    throw new Error(`load failed:\n${load.output()}`);
  }
  const { calls, seconds: took, serverCpuS, clientCpuS } = JSON.parse(load.stdout().trim());
  return {
    rate: calls / took,
    serverUs: (serverCpuS * 1e6) / calls,
    clientUs: (clientCpuS * 1e6) / calls,
  };
}

const results = new Map<string, Row[]>();
const keyOf = (side: string, c: (typeof cases)[number]) => `${side} ${c.payload} ${c.inFlight}`;

try {
  const started = await Promise.all(servers.map((s) => startServer(s.file, s.name, s.env)));
  for (let round = 1; round <= rounds; round += 1) {
    // A then B in odd rounds, B then A in even ones, so a drift in the machine's load over a
    // round falls on both sides alike.
    const order = round % 2 === 1 ? [0, 1] : [1, 0];
    for (const c of cases) {
      for (const index of order) {
        const server = servers[index] as (typeof servers)[number];
        const row = await measure(started[index] as { child: Child; port: number }, c);
        const key = keyOf(server.side, c);
        results.set(key, [...(results.get(key) ?? []), row]);
        console.log(
          `round ${round} ${key} (${server.name}): ${Math.round(row.rate)} calls/s, server ${row.serverUs.toFixed(1)} µs/call, client ${row.clientUs.toFixed(1)} µs/call`,
        );
      }
    }
  }
} finally {
  await stopAllChildren();
}

printTable();

function printTable(): void {
  const med = (values: number[]) => spread(values).median;
  const ratio = (a: Row[], b: Row[], pick: (row: Row) => number) => {
    const each = a.map((row, i) => pick(b[i] as Row) / pick(row));
    const { median, min, max } = spread(each);
    return `${median.toFixed(2)} (${min.toFixed(2)} … ${max.toFixed(2)})`;
  };
  console.log(
    "\n| payload | in flight | calls/s A → B | B ÷ A calls/s | server µs/call A → B | B ÷ A server CPU | client µs/call A → B |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const c of cases) {
    const a = results.get(keyOf("A", c)) ?? [];
    const b = results.get(keyOf("B", c)) ?? [];
    const pair = (pick: (row: Row) => number, digits: number) =>
      `${med(a.map(pick)).toFixed(digits)} → ${med(b.map(pick)).toFixed(digits)}`;
    console.log(
      `| ${c.payload} | ${c.inFlight} | ${pair((r) => r.rate, 0)} | ${ratio(a, b, (r) => r.rate)} | ${pair((r) => r.serverUs, 1)} | ${ratio(a, b, (r) => r.serverUs)} | ${pair((r) => r.clientUs, 1)} |`,
    );
  }
}
