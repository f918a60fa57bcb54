// The client's CPU per call, for two copies of the kit side by side (before and after a change):
// `bun client-cpu.ts <kit dir A> <kit dir B>`. Each copy calls an echo server of its own (a
// process apart, so only the client's CPU is counted) 20,000 times, 32 at a time, after 20,000
// unmeasured (the JIT settles); the copies take turns, five runs each, and the median counts. CPU time, not wall time: the machine is
// shared, and a busy neighbour slows a run without changing what a call costs.
const [kitA, kitB] = process.argv.slice(2);
if (kitA === undefined || kitB === undefined) {
  throw new Error("usage: bun client-cpu.ts <service-kit dir> <service-kit dir>");
}
const CALLS = Number(process.env.CALLS ?? 20_000);
const CONCURRENCY = 32;

async function startReplica(kit: string) {
  const child = Bun.spawn(["bun", `${import.meta.dir}/replica.ts`], {
    env: { ...process.env, KIT: kit },
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  const port = Number(new TextDecoder().decode(value));
  reader.releaseLock();
  if (!(port > 0)) {
    child.kill();
    throw new Error(`the echo server of ${kit} did not start`);
  }
  return { child, port };
}

async function clientOf(kit: string, port: number) {
  const { createClient } = await import(`${kit}/src/client/client.ts`);
  const { parseSigningKey } = await import(`${kit}/src/caller/caller-keys.ts`);
  const { echoService } = await import(`${kit}/test/support/echo-service.ts`);
  const { testCallerKeys } = await import(`${kit}/../testing/src/index.ts`);
  return createClient(echoService, `127.0.0.1:${port}`, {
    timeoutMs: 5_000,
    callerKey: parseSigningKey(testCallerKeys.signingKey),
  });
}

async function run(client: { echo(r: unknown, s: unknown): Promise<unknown> }, calls: number) {
  let left = calls;
  const worker = async (): Promise<void> => {
    while (left-- > 0) {
      await client.echo({ text: "hi" }, { userId: "0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69" });
    }
  };
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

const kits = [kitA, kitB];
const replicas = await Promise.all(kits.map((kit) => startReplica(kit)));
process.on("exit", () => {
  for (const { child } of replicas) {
    child.kill();
  }
});
const clients = await Promise.all(kits.map((kit, i) => clientOf(kit, replicas[i]?.port ?? 0)));
for (const client of clients) {
  await run(client, 20_000);
}
const results: number[][] = [[], []];
for (let turn = 0; turn < 5; turn++) {
  for (let i = 0; i < 2; i++) {
    results[i]?.push(await run(clients[i] as never, CALLS));
  }
}
for (let i = 0; i < 2; i++) {
  const runs = results[i] ?? [];
  const median = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? 0;
  const each = runs.map((us) => us.toFixed(1)).join(", ");
  console.log(`${kits[i]}: CPU µs per call, median ${median.toFixed(1)} (runs: ${each})`);
}
process.exit(0);
