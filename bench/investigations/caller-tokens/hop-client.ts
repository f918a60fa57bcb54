// The kit's client from the tree given, 64 calls in flight for 3 s of warm-up and `seconds`
// measured, each call for one of 500 users in turn. Prints calls/s and its CPU per call.
const [root, port, seconds] = process.argv.slice(2);
const kit = await import(`${root}/service-kit/src/index.ts`);
const { echoDefinition } = await import(
  `${root}/bench/investigations/grpc-client/echo-definition.ts`
);
const options = kit.parseSigningKey
  ? { timeoutMs: 5_000, callerKey: kit.parseSigningKey(process.env.SIGNING_KEY) }
  : { timeoutMs: 5_000, callerSecret: process.env.SECRET };
const client = kit.createClient(echoDefinition, `127.0.0.1:${port}`, options);
const users = Array.from({ length: 500 }, () => crypto.randomUUID());
const message = Buffer.alloc(120, 7);
let calls = 0;
let errors = 0;
let running = true;
async function worker(offset: number): Promise<void> {
  let i = offset;
  while (running) {
    try {
      await client.echo(message, { userId: users[i++ % users.length] });
    } catch (e) {
      errors++;
      if (errors === 1) {
        console.error(String(e));
      }
    }
    calls++;
  }
}
const workers = Array.from({ length: 64 }, (_, i) => worker(i * 7));
await Bun.sleep(3_000);
calls = 0;
const before = process.cpuUsage();
const started = performance.now();
console.log("measuring");
await Bun.sleep(Number(seconds) * 1000);
const cpu = process.cpuUsage(before);
const elapsed = (performance.now() - started) / 1000;
const done = calls;
running = false;
await Promise.all(workers);
console.log(
  JSON.stringify({
    rate: done / elapsed,
    clientUs: (cpu.user + cpu.system) / done,
    calls: done,
    errors,
  }),
);
process.exit(0);
