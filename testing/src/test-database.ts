import type { Sql } from "@trellis/service-kit";
import { silentLogger } from "@trellis/service-kit";
import { type Migration, migrate, openSql } from "@trellis/service-kit/harness";
import { dockerEngineAnswers } from "./docker-engine.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";

/**
 * Where the test databases come from, in order of preference; "serverUrl" is a server the caller
 * names (the chaos suite's own Postgres, which it stops and kills).
 */
export type DatabaseSource = "TEST_DATABASE_URL" | "testcontainers" | "embedded" | "serverUrl";

export interface TestDatabase {
  /** A pool on this test file's own database, with the migrations applied. */
  sql: Sql;
  url: string;
  source: DatabaseSource;
  /** Drops the database (or stops the embedded server) and closes the pool. */
  close(): Promise<void>;
}

interface Server {
  source: DatabaseSource;
  /** URL of a server where the harness may create databases. */
  url?: string;
}

let chosen: Promise<Server> | undefined;
let container: { stop(): Promise<unknown> } | undefined;

/**
 * Which Postgres the tests get: a server at TEST_DATABASE_URL, else a testcontainers Postgres
 * when a Docker engine answers, else embedded PGlite. Decided once per test run and printed.
 */
export async function testDatabaseSource(): Promise<DatabaseSource> {
  return (await server()).source;
}

/**
 * Whether tests may open several connections at once (pool, lock and cancel tests). False on
 * the embedded fallback, which is a single backend.
 */
export async function supportsConcurrentConnections(): Promise<boolean> {
  return (await testDatabaseSource()) !== "embedded";
}

/** A fresh database for one test file, migrated with `migrations`. */
export async function createTestDatabase(options: {
  migrations: Migration[];
  /** Pool size; forced to 1 on the embedded fallback. */
  max?: number;
  /** A server to create the database on, instead of the one the harness chose. */
  serverUrl?: string;
}): Promise<TestDatabase> {
  const { source, url } =
    options.serverUrl === undefined
      ? await server()
      : { source: "serverUrl" as const, url: options.serverUrl };
  if (url === undefined) {
    return embeddedDatabase(options.migrations);
  }
  const name = `trellis_test_${process.pid}_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  await withAdmin(url, (admin) => admin`CREATE DATABASE ${admin(name)}`);
  const databaseUrl = withDatabase(url, name);
  const sql = openSql(databaseUrl, { max: options.max ?? 5 });
  await migrate(sql, options.migrations, silentLogger());
  return {
    sql,
    url: databaseUrl,
    source,
    async close() {
      await sql.close({ timeout: 5 });
      await withAdmin(url, (admin) => admin`DROP DATABASE IF EXISTS ${admin(name)} WITH (FORCE)`);
    },
  };
}

/** Stops the shared testcontainers Postgres, if one was started. Called after the run. */
export async function stopTestDatabaseServer(): Promise<void> {
  await container?.stop();
  container = undefined;
}

async function embeddedDatabase(migrations: Migration[]): Promise<TestDatabase> {
  const embedded = await startEmbeddedPostgres();
  const sql = openSql(embedded.url, { max: 1 });
  await migrate(sql, migrations, silentLogger());
  return {
    sql,
    url: embedded.url,
    source: "embedded",
    async close() {
      await sql.close({ timeout: 5 });
      await embedded.stop();
    },
  };
}

function server(): Promise<Server> {
  chosen ??= chooseServer().then((picked) => {
    const where = picked.url === undefined ? "" : ` at ${redact(picked.url)}`;
    process.stderr.write(`[test-database] using ${picked.source}${where}\n`);
    return picked;
  });
  return chosen;
}

async function chooseServer(): Promise<Server> {
  const configured = process.env.TEST_DATABASE_URL;
  if (configured !== undefined && configured !== "") {
    return { source: "TEST_DATABASE_URL", url: configured };
  }
  if (await dockerEngineAnswers()) {
    // Ryuk, the reaper container, is known to keep Bun processes alive; we stop ours ourselves.
    process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
    const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
    const started = await new PostgreSqlContainer("postgres:17-alpine").start();
    container = started;
    return { source: "testcontainers", url: started.getConnectionUri() };
  }
  return { source: "embedded" };
}

async function withAdmin<T>(url: string, run: (admin: Sql) => Promise<T>): Promise<T> {
  const admin = openSql(url, { max: 1 });
  try {
    return await run(admin);
  } finally {
    await admin.close({ timeout: 5 });
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== "") {
    parsed.password = "***";
  }
  return parsed.toString();
}
