// No HTTP at all: `concurrency` loops each awaiting one postgres.js primary-key read after
// another, printing reads/s per window. Plain JavaScript so the same file runs under Bun and
// under Node:
//   bun  client-only.mjs [seconds] [concurrency] [idle_timeout]
//   node client-only.mjs [seconds] [concurrency] [idle_timeout]
// Needs the bench_pgbench database (pgbench -i -s 1), which run.ts creates.
import postgres from "postgres";

const seconds = Math.min(120, Number(process.argv[2] ?? 40));
const concurrency = Number(process.argv[3] ?? 64);
const idleTimeout = Number(process.argv[4] ?? 60);
const windowS = 5;
const sql = postgres(
  process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/bench_pgbench",
  {
    max: 10,
    idle_timeout: idleTimeout,
  },
);
const runtime = typeof Bun === "undefined" ? `node ${process.version}` : `bun ${Bun.version}`;
console.log(`${runtime}: ${concurrency} loops, pool 10, idle_timeout ${idleTimeout}`);

let reads = 0;
const until = performance.now() + seconds * 1000;
async function loop() {
  while (performance.now() < until) {
    const aid = 1 + Math.floor(Math.random() * 100_000);
    await sql`SELECT aid, bid, abalance FROM pgbench_accounts WHERE aid = ${aid}`;
    reads++;
  }
}
let last = { at: performance.now(), reads: 0, cpu: process.cpuUsage() };
const ticker = setInterval(() => {
  const now = { at: performance.now(), reads, cpu: process.cpuUsage() };
  const wall = (now.at - last.at) / 1000;
  const cpu = (now.cpu.user + now.cpu.system - last.cpu.user - last.cpu.system) / 1e6;
  const rate = (now.reads - last.reads) / wall;
  console.log(
    `  ${rate.toFixed(0).padStart(6)} reads/s  ${(cpu / wall).toFixed(2)} cores  ` +
      `${((cpu / (now.reads - last.reads)) * 1e6).toFixed(1)} µs CPU/read  ` +
      `rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
  );
  last = now;
}, windowS * 1000);
await Promise.all(Array.from({ length: concurrency }, loop));
clearInterval(ticker);
await sql.end({ timeout: 5 });
