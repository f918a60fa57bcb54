// grpc-js's client against the kit's (unary gRPC on node:http2) on Bun, both calling the same
// grpc-js server, 64 calls in flight, in turns. Prints calls/s and the CPU of each side per call
// (medians of the rounds). Usage: bun bench/investigations/grpc-client/run.ts [--rounds 3]
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort, waitFor } from "../../loopback.ts";
import { cpuSeconds } from "../../proc.ts";
import { childEnv, spawnChild, stopAllChildren } from "../../processes.ts";
import { spread } from "../../stats.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "5" },
  },
});
const rounds = Math.min(10, Number(values.rounds));
const seconds = Math.min(30, Number(values.seconds));
const here = import.meta.dir;
const kinds = ["grpc-js", "kit"] as const;

const port = freePort();
const server = spawnChild({
  name: "server",
  command: [process.execPath, join(here, "server.ts")],
  cwd: here,
  env: childEnv({ PORT: String(port) }),
});
await waitFor("the echo server did not start", async () => server.output().includes("ready"), {
  withinMs: 10_000,
});

const results: Record<string, { rate: number; clientUs: number; serverUs: number }[]> = {
  "grpc-js": [],
  kit: [],
};
try {
  for (let round = 1; round <= rounds; round += 1) {
    for (const kind of kinds) {
      const client = spawnChild({
        name: kind,
        command: [
          process.execPath,
          join(here, "client.ts"),
          kind,
          String(port),
          "3",
          String(seconds),
        ],
        cwd: here,
        env: childEnv({}),
      });
      // The server's CPU over the client's whole run, warm-up included, per measured call: the
      // rate is the same in both parts, so the share is what matters.
      const serverBefore = cpuSeconds(server.pid) ?? 0;
      const exit = await client.exited;
      const serverUsed = (cpuSeconds(server.pid) ?? 0) - serverBefore;
      if (exit !== 0) {
        throw new Error(`${kind} client failed:\n${client.output()}`);
      }
      const { calls, seconds: took, cpuUs } = JSON.parse(client.stdout().trim());
      const total = calls * ((3 + took) / took);
      const row = {
        rate: calls / took,
        clientUs: cpuUs / calls,
        serverUs: (serverUsed * 1e6) / total,
      };
      results[kind]?.push(row);
      console.log(
        `round ${round} ${kind}: ${Math.round(row.rate)} calls/s, client ${row.clientUs.toFixed(0)} µs/call, server ${row.serverUs.toFixed(0)} µs/call`,
      );
    }
  }
} finally {
  await stopAllChildren();
}

console.log("\n| client | calls/s | client CPU per call | server CPU per call |");
console.log("| --- | --- | --- | --- |");
for (const kind of kinds) {
  const rows = results[kind] ?? [];
  const med = (pick: (row: (typeof rows)[number]) => number) => spread(rows.map(pick)).median;
  console.log(
    `| ${kind} | ${Math.round(med((r) => r.rate)).toLocaleString("en-US")} | ${med((r) => r.clientUs).toFixed(0)} µs | ${med((r) => r.serverUs).toFixed(0)} µs |`,
  );
}
