// Postgres stopped or killed under a steady read load, and started again: what each client does
// meanwhile. Clients: the kit's pool (`createPool` with the kit's settings, queries through
// `withSignal`; postgres.js until 2026-12-08, Bun's `SQL` since) and Bun's built-in `SQL` bare
// (the same pool size and deadline, a query cancelled at it). A Postgres of its own (the chaos suite's initdb/pg_ctl server), 16 loops each reading one
// row after another with a 1 s deadline, the fault at 2 s, Postgres back at 5 s, the run ends at
// 9 s. Prints per client and fault: reads that succeeded before / during / after, failures by
// message, the slowest failure, reads past the deadline, and the time from Postgres accepting
// connections again to the first read that succeeded.
//   bun test/chaos/probes/pg-client-faults.ts [--rounds 2]
// What it found: bench/investigations/pg-client-faults/README.md.
import { parseArgs } from "node:util";
import { createPool, silentLogger, withSignal } from "@trellis/service-kit";
import { SQL } from "bun";
import { createPostgresServer } from "../lib/postgres-server.ts";

type Read = (signal: AbortSignal) => Promise<unknown>;
interface Client {
  name: string;
  read: Read;
  close: () => Promise<void>;
}
interface Outcome {
  startedMs: number;
  endedMs: number;
  error: string | null;
}

const { values } = parseArgs({ options: { rounds: { type: "string", default: "2" } } });
const LOOPS = 16;
const DEADLINE_MS = 1_000;
const FAULT_AT_MS = 2_000;
const BACK_AT_MS = 5_000;
const END_MS = 9_000;

let uncaught = 0;
process.on("uncaughtException", () => uncaught++);
process.on("unhandledRejection", () => uncaught++);

const server = await createPostgresServer();
try {
  await server.start();
  const setup = new SQL({ url: server.url, max: 1 });
  await setup`CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, v text)`;
  await setup`INSERT INTO t VALUES (1, 'x') ON CONFLICT DO NOTHING`;
  await setup.close();
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const fault of ["stop -m fast", "kill -9"] as const) {
      for (const make of [kitClient, bunClient]) {
        await server.ensureRunning();
        const client = make(server.url);
        const result = { round, fault, ...(await underFault(client, fault)) };
        process.stdout.write(`${JSON.stringify(result)}\n`);
        await client.close().catch(() => {});
      }
    }
  }
} finally {
  await server.destroy();
}

function kitClient(url: string): Client {
  const sql = createPool(
    {
      url,
      poolMax: 10,
      connectTimeoutSeconds: 5,
      statementTimeoutMs: 5_000,
      idleTimeoutSeconds: 60,
    },
    { name: "fault-probe", log: silentLogger() },
  );
  return {
    name: "the kit",
    read: (signal) => withSignal(sql`SELECT v FROM t WHERE id = 1`, signal),
    close: () => sql.close({ timeout: 1 }),
  };
}

function bunClient(url: string): Client {
  const sql = new SQL({ url, max: 10, connectionTimeout: 5, idleTimeout: 60, prepare: true });
  return {
    name: "Bun SQL",
    read: async (signal) => {
      const query = sql`SELECT v FROM t WHERE id = 1`;
      const cancel = (): void => void Promise.resolve(query.cancel()).catch(() => {});
      signal.addEventListener("abort", cancel, { once: true });
      try {
        return await query;
      } finally {
        signal.removeEventListener("abort", cancel);
      }
    },
    close: () => sql.close({ timeout: 1 }),
  };
}

async function underFault(client: Client, fault: "stop -m fast" | "kill -9") {
  const start = performance.now();
  const outcomes: Outcome[] = [];
  const uncaughtBefore = uncaught;
  const loop = async (): Promise<void> => {
    while (performance.now() - start < END_MS) {
      const startedMs = performance.now() - start;
      const error = await client.read(AbortSignal.timeout(DEADLINE_MS)).then(
        () => null,
        (reason: unknown) => describe(reason),
      );
      outcomes.push({ startedMs, endedMs: performance.now() - start, error });
      if (error !== null) {
        await Bun.sleep(10); // a client backs off a little, as the gateway's callers do
      }
    }
  };
  const loops = Array.from({ length: LOOPS }, loop);
  await Bun.sleep(FAULT_AT_MS);
  await (fault === "kill -9" ? server.kill() : server.stopFast());
  await Bun.sleep(BACK_AT_MS - FAULT_AT_MS);
  await server.start();
  const backMs = performance.now() - start;
  await Promise.all(loops);
  return summarize(client.name, outcomes, backMs, uncaught - uncaughtBefore);
}

function summarize(name: string, outcomes: Outcome[], backMs: number, uncaughtErrors: number) {
  const failures = outcomes.filter((outcome) => outcome.error !== null);
  const messages: Record<string, number> = {};
  for (const failure of failures) {
    const message = (failure.error ?? "").slice(0, 90);
    messages[message] = (messages[message] ?? 0) + 1;
  }
  const firstAfter = outcomes
    .filter((outcome) => outcome.error === null && outcome.endedMs > backMs)
    .map((outcome) => outcome.endedMs)
    .sort((a, b) => a - b)[0];
  const slowest = Math.max(0, ...failures.map((failure) => failure.endedMs - failure.startedMs));
  return {
    client: name,
    okBefore: outcomes.filter((o) => o.error === null && o.endedMs < FAULT_AT_MS).length,
    okAfter: outcomes.filter((o) => o.error === null && o.endedMs > backMs).length,
    failures: failures.length,
    pastDeadline: failures.filter((f) => f.endedMs - f.startedMs > DEADLINE_MS + 50).length,
    slowestFailureMs: Math.round(slowest),
    recoveryMs: firstAfter === undefined ? null : Math.round(firstAfter - backMs),
    messages,
    uncaughtErrors,
  };
}

/** The error's code (what a kit would map to a gRPC status) and its message. */
function describe(reason: unknown): string {
  if (!(reason instanceof Error)) {
    return String(reason);
  }
  const { code } = reason as Error & { code?: unknown };
  return `${typeof code === "string" ? `${code}: ` : ""}${reason.message}`;
}
