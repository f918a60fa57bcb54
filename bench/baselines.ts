import { join } from "node:path";
import { readMigrations } from "@trellis/service-kit";
import { assertLoopback, freePort } from "./loopback.ts";
import { type Child, childEnv, runToEnd, spawnChild } from "./processes.ts";
import type { PgbenchScenario } from "./scenario-kinds.ts";
import { adminPool, databaseUrl, pool, recreateDatabase, untilReady } from "./stack.ts";

// The in-run baselines that are not routes of the gateway: pgbench against the same Postgres
// (what the database alone can read and write), the one-hop server (bench/baseline-server.ts)
// and the hello-world pair (bench/hello-server.ts).

export const PGBENCH_DATABASE = "bench_pgbench";

export interface PgbenchResult {
  tps: number;
  latencyAverageMs: number;
  transactions: number;
  failed: number;
  /** CPU seconds pgbench itself used. */
  generatorCpuSeconds: number;
}

/** A scratch database with pgbench's tables at scale 1 (100,000 accounts, ~15 MB). */
export async function preparePgbench(adminUrl: string): Promise<string> {
  const admin = adminPool(adminUrl);
  try {
    await recreateDatabase(admin, PGBENCH_DATABASE);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = databaseUrl(adminUrl, PGBENCH_DATABASE);
  await runToEnd({
    name: "pgbench -i",
    command: ["pgbench", "-i", "-s", "1", "-q", ...connectionArgs(url)],
    env: pgEnv(url),
    timeoutMs: 120_000,
  });
  return url;
}

/**
 * The insert baseline's table in the scratch database (created when the select-only baseline
 * has not run before it): the notes service's own migrations, so that pgbench writes rows of the
 * same shape through the same constraints and indexes as POST /api/notes.
 */
export async function preparePgbenchInsert(adminUrl: string): Promise<string> {
  const admin = adminPool(adminUrl);
  try {
    const [found] =
      await admin`SELECT 1 AS found FROM pg_database WHERE datname = ${PGBENCH_DATABASE}`;
    if (found === undefined) {
      await recreateDatabase(admin, PGBENCH_DATABASE);
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = databaseUrl(adminUrl, PGBENCH_DATABASE);
  const scratch = pool(url, 1);
  try {
    await scratch`DROP TABLE IF EXISTS notes`;
    for (const migration of await readMigrations(NOTES_MIGRATIONS)) {
      await scratch.unsafe(migration.sql);
    }
  } finally {
    await scratch.end({ timeout: 5 });
  }
  return url;
}

const PGBENCH_SCRIPTS = join(import.meta.dir, "pgbench");
const NOTES_MIGRATIONS = join(import.meta.dir, "../service-template/migrations");

/** What each script runs: `-S` is one primary-key read per transaction. */
const SCRIPT_ARGS: Record<PgbenchScript, string[]> = {
  "select-only": ["-S"],
  "insert-note": ["-f", join(PGBENCH_SCRIPTS, "insert-note.sql")],
};

export type PgbenchScript = PgbenchScenario["script"];

/** 16 clients on 2 threads, the built-in select-only script or bench/pgbench/insert-note.sql. */
export async function runPgbench(
  url: string,
  durationS: number,
  script: PgbenchScript = "select-only",
): Promise<PgbenchResult> {
  const { stdout, cpuSeconds } = await runToEnd({
    name: `pgbench ${script}`,
    command: [
      "pgbench",
      ...SCRIPT_ARGS[script],
      "-n",
      "-c",
      "16",
      "-j",
      "2",
      "-T",
      String(durationS),
      ...connectionArgs(url),
    ],
    env: pgEnv(url),
    timeoutMs: (durationS + 30) * 1000,
  });
  return { ...parsePgbenchOutput(stdout), generatorCpuSeconds: cpuSeconds };
}

export function parsePgbenchOutput(text: string): Omit<PgbenchResult, "generatorCpuSeconds"> {
  const tps = /^tps = ([\d.]+)/m.exec(text)?.[1];
  if (tps === undefined) {
    throw new Error(`pgbench's output has no tps line:\n${text}`);
  }
  return {
    tps: Number(tps),
    latencyAverageMs: Number(/^latency average = ([\d.]+) ms/m.exec(text)?.[1] ?? Number.NaN),
    transactions: Number(
      /^number of transactions actually processed: (\d+)/m.exec(text)?.[1] ?? Number.NaN,
    ),
    failed: Number(/^number of failed transactions: (\d+)/m.exec(text)?.[1] ?? 0),
  };
}

export interface BaselineServer {
  url: string;
  child: Child;
}

/**
 * The one-hop baseline as its own process: an Elysia route making one gRPC call (notes.GetNote
 * of a seeded note, a primary-key read) through the kit's client, with nothing else around it.
 */
export async function startBaselineServer(settings: {
  notesAddress: string;
  /** CALLER_SIGNING_KEY: the baseline signs its calls as the gateway does. */
  callerSigningKey: string;
  note: { id: string; ownerId: string };
}): Promise<BaselineServer> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawnChild({
    name: "baseline",
    command: [process.execPath, join(import.meta.dir, "baseline-server.ts")],
    env: childEnv({
      PORT: String(port),
      NOTES_ADDRESS: settings.notesAddress,
      CALLER_SIGNING_KEY: settings.callerSigningKey,
      NOTE_ID: settings.note.id,
      NOTE_OWNER_ID: settings.note.ownerId,
    }),
  });
  await untilReady(child, async () => (await fetch(`${url}/healthz`)).ok);
  return { url, child };
}

/**
 * A hello-world server as its own process (bench/hello-server.ts): a bare Bun.serve or a bare
 * Elysia app answering GET /healthz with a constant JSON body.
 */
export async function startHelloServer(kind: "bun" | "elysia"): Promise<BaselineServer> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawnChild({
    name: `${kind}-hello`,
    command: [process.execPath, join(import.meta.dir, "hello-server.ts")],
    env: childEnv({ PORT: String(port), HELLO_SERVER: kind }),
  });
  await untilReady(child, async () => (await fetch(`${url}/healthz`)).ok);
  return { url, child };
}

function connectionArgs(url: string): string[] {
  const parsed = new URL(assertLoopback(url));
  return [
    "-h",
    parsed.hostname,
    "-p",
    parsed.port || "5432",
    "-U",
    decodeURIComponent(parsed.username) || "postgres",
    parsed.pathname.slice(1),
  ];
}

/** libpq reads the password from the environment, never from the command line. */
function pgEnv(url: string): Record<string, string> {
  const password = decodeURIComponent(new URL(url).password);
  return childEnv(password === "" ? {} : { PGPASSWORD: password });
}
