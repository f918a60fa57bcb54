// One mode per process: `bun probe.ts <net|bun> <insert|list> <seconds>` prints JSON
// { mode, kind, queries, cpuUs } for the measured part (after a 2 s warm-up).
import postgres from "postgres";
import { BunSocket } from "./bun-socket.ts";

const [mode = "net", kind = "insert", secondsText = "5"] = process.argv.slice(2);
const url = process.env.PROBE_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const sql = postgres(url, {
  max: 10,
  ...(mode === "bun" ? { socket: () => BunSocket.open("127.0.0.1", 5432) } : {}),
});
const inFlight = 64;

async function one(): Promise<void> {
  if (kind === "insert") {
    await sql`insert into pg_socket_probe (owner, title, body) values (${crypto.randomUUID()}, 'a title', 'a body of some length') returning id, created_at`;
  } else {
    await sql`select id, owner, title, body, created_at from pg_socket_probe where owner = ${"list-owner"} order by created_at desc limit 20`;
  }
}

async function loop(until: number, counter: { n: number }): Promise<void> {
  while (performance.now() < until) {
    await one();
    counter.n++;
  }
}

async function run(ms: number): Promise<{ queries: number; cpuUs: number }> {
  const counter = { n: 0 };
  const cpu = process.cpuUsage();
  const until = performance.now() + ms;
  await Promise.all(Array.from({ length: inFlight }, () => loop(until, counter)));
  const used = process.cpuUsage(cpu);
  return { queries: counter.n, cpuUs: used.user + used.system };
}

await run(2000);
const result = await run(Number(secondsText) * 1000);
console.log(JSON.stringify({ mode, kind, ...result }));
await sql.end();
