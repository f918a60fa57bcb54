// Turns: for each round, each kind runs net then bun (odd rounds) or bun then net (even),
// each in a fresh process. Prints per-round queries/s and CPU µs per query, and the medians
// of the bun ÷ net ratios.
import postgres from "postgres";

const rounds = Number(process.argv[2] ?? 6);
const seconds = process.argv[3] ?? "5";
const setup = postgres("postgres://postgres@127.0.0.1:5432/postgres", { max: 1 });
await setup`drop table if exists pg_socket_probe`;
await setup`create table pg_socket_probe (id bigserial primary key, owner text not null, title text not null, body text not null, created_at timestamptz not null default now())`;
await setup`insert into pg_socket_probe (owner, title, body) select 'list-owner', 'title ' || i, repeat('body text ', 10) from generate_series(1, 40) i`;
await setup`create index on pg_socket_probe (owner, created_at desc)`;
await setup.end();

type Result = { mode: string; kind: string; queries: number; cpuUs: number };
function once(mode: string, kind: string): Result {
  const out = Bun.spawnSync(["bun", `${import.meta.dir}/probe.ts`, mode, kind, seconds]);
  return JSON.parse(out.stdout.toString().trim()) as Result;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
for (const kind of ["insert", "list"]) {
  const rate: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ["net", "bun"] : ["bun", "net"];
    const results = Object.fromEntries(order.map((mode) => [mode, once(mode, kind)])) as Record<
      string,
      Result
    >;
    const net = results.net as Result;
    const bun = results.bun as Result;
    const perQuery = (r: Result) => r.cpuUs / r.queries;
    rate.push(bun.queries / net.queries);
    cpu.push(perQuery(bun) / perQuery(net));
    console.log(
      kind,
      round,
      `net ${(net.queries / Number(seconds)).toFixed(0)}/s ${perQuery(net).toFixed(1)} µs`,
      `bun ${(bun.queries / Number(seconds)).toFixed(0)}/s ${perQuery(bun).toFixed(1)} µs`,
    );
  }
  console.log(
    kind,
    `bun ÷ net queries: ${median(rate).toFixed(3)} (${Math.min(...rate).toFixed(2)} … ${Math.max(...rate).toFixed(2)}); CPU per query: ${median(cpu).toFixed(3)} (${Math.min(...cpu).toFixed(2)} … ${Math.max(...cpu).toFixed(2)})`,
  );
}
