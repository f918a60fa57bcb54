// The reproduction's server: GET /read does one primary-key read of pgbench_accounts (a random
// aid of the 100,000 at scale 1) and answers it as JSON. Knobs (environment):
//   PORT, DATABASE_URL
//   FRAMEWORK     elysia (default) | bun     Elysia route, or a bare Bun.serve fetch handler
//   DRIVER        postgres (default) | bun   postgres.js, or Bun's built-in SQL client
//   POOL_MAX      10 (the kit's default)
//   IDLE_TIMEOUT  60 (seconds; the kit's default; 0 = never close idle connections)
//   PREPARE       true (postgres.js default) | false
import { SQL } from "bun";
import { Elysia } from "elysia";
import postgres from "postgres";

const env = (name: string, fallback: string): string => process.env[name] || fallback;
const url = env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_pgbench");
const max = Number(env("POOL_MAX", "10"));
const idleTimeout = Number(env("IDLE_TIMEOUT", "60"));
const prepare = env("PREPARE", "true") === "true";

type Read = (aid: number) => Promise<unknown>;

function postgresJs(): Read {
  const sql = postgres(url, { max, idle_timeout: idleTimeout, prepare, connect_timeout: 5 });
  return async (aid) => {
    const [row] = await sql`SELECT aid, bid, abalance FROM pgbench_accounts WHERE aid = ${aid}`;
    return row;
  };
}

function bunSql(): Read {
  const sql = new SQL({ url, max, idleTimeout, prepare });
  return async (aid) => {
    const [row] = await sql`SELECT aid, bid, abalance FROM pgbench_accounts WHERE aid = ${aid}`;
    return row;
  };
}

const read = env("DRIVER", "postgres") === "bun" ? bunSql() : postgresJs();
const randomAid = (): number => 1 + Math.floor(Math.random() * 100_000);
const port = Number(env("PORT", "3999"));

if (env("FRAMEWORK", "elysia") === "bun") {
  Bun.serve({
    hostname: "127.0.0.1",
    port,
    async fetch(request) {
      if (new URL(request.url).pathname === "/read") {
        return Response.json(await read(randomAid()));
      }
      return new Response("ok");
    },
  });
} else {
  new Elysia()
    .get("/", () => "ok")
    .get("/read", () => read(randomAid()))
    .listen({ hostname: "127.0.0.1", port });
}
process.on("SIGTERM", () => process.exit(0));
