import { parseArgs } from "node:util";
import { SQL } from "bun";
import postgres from "postgres";
import { cpuSeconds, postgresCpuSeconds } from "../../proc.ts";

// Why does Postgres spend more CPU per create under Bun's client than under postgres.js? Each
// client in turn (A B, then B A, ...) runs `--loops` concurrent loops of one INSERT ... RETURNING
// (notes' create, on a table of its own) on a pool of 10 for `--seconds`, and the run reports
// inserts/s, this process's CPU per insert and Postgres's (every postgres process on the
// machine), medians over the rounds.
//   bun bench/investigations/list-create/insert-pg-cpu.ts --rounds 6

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    rounds: { type: "string", default: "6" },
    seconds: { type: "string", default: "5" },
    loops: { type: "string", default: "16" },
  },
});
const url = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const seconds = Number(values.seconds);
const loops = Number(values.loops);

type Insert = (id: string) => Promise<unknown>;
const bun = new SQL(url, { max: 10 });
const pjs = postgres(url, { max: 10, onnotice: () => {} });
await bun`DROP TABLE IF EXISTS insert_probe`;
await bun`CREATE TABLE insert_probe (id uuid PRIMARY KEY, owner_id uuid NOT NULL, title text,
  body text, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`;
const owner = crypto.randomUUID();
const clients: Record<string, Insert> = {
  "postgres.js": (id) =>
    pjs`INSERT INTO insert_probe (id, owner_id, title, body) VALUES (${id}, ${owner}, ${"t"}, ${"b"})
        RETURNING id, owner_id, title, body, created_at, updated_at`,
  "Bun SQL": (id) =>
    bun`INSERT INTO insert_probe (id, owner_id, title, body) VALUES (${id}, ${owner}, ${"t"}, ${"b"})
        RETURNING id, owner_id, title, body, created_at, updated_at`,
};

async function measure(insert: Insert): Promise<{ rate: number; ownUs: number; pgUs: number }> {
  const until = performance.now() + seconds * 1000;
  let count = 0;
  const ownBefore = cpuSeconds(process.pid) ?? 0;
  const pgBefore = postgresCpuSeconds();
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (performance.now() < until) {
        await insert(crypto.randomUUID());
        count += 1;
      }
    }),
  );
  const own = (cpuSeconds(process.pid) ?? 0) - ownBefore;
  const pg = postgresCpuSeconds() - pgBefore;
  return { rate: count / seconds, ownUs: (own / count) * 1e6, pgUs: (pg / count) * 1e6 };
}

const results: Record<string, { rate: number; ownUs: number; pgUs: number }[]> = {};
for (let round = 0; round < Number(values.rounds); round++) {
  const order = round % 2 === 0 ? Object.keys(clients) : Object.keys(clients).reverse();
  for (const name of order) {
    const insert = clients[name] as Insert;
    await measure(insert); // warm: the pool opens and prepares before the measured window
    const result = await measure(insert);
    results[name] = [...(results[name] ?? []), result];
    process.stdout.write(`round ${round + 1} ${name}: ${JSON.stringify(result)}\n`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
for (const [name, rows] of Object.entries(results)) {
  process.stdout.write(
    `${name}: ${median(rows.map((r) => r.rate)).toFixed(0)} inserts/s, client ${median(rows.map((r) => r.ownUs)).toFixed(1)} µs, Postgres ${median(rows.map((r) => r.pgUs)).toFixed(1)} µs per insert\n`,
  );
}
await bun`DROP TABLE insert_probe`;
await bun.close();
await pjs.end();
