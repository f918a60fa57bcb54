import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Sql } from "@trellis/service-kit";
import type { Migration } from "@trellis/service-kit/harness";
import { SQL } from "bun";
import { startEmbeddedPostgres } from "../src/embedded-postgres.ts";
import { createTestDatabase, type TestDatabase, testDatabaseSource } from "../src/test-database.ts";

// A cold embedded Postgres pays for an initdb on first use.
setDefaultTimeout(30_000);

const source = await testDatabaseSource();

const createNotes: Migration = {
  version: 1,
  name: "create_notes",
  sql: "CREATE TABLE notes (id integer PRIMARY KEY, title text NOT NULL);",
};

const opened: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

async function open(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrations: [createNotes] });
  opened.push(db);
  return db;
}

async function tables(sql: Sql): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`;
  return rows.map((row) => row.name);
}

test("a new test database is migrated and holds nothing else", async () => {
  const db = await open();

  expect(db.source).toBe(source);
  expect(await tables(db.sql)).toEqual(["notes", "schema_migrations"]);
  expect([...(await db.sql`SELECT version, name FROM schema_migrations`)]).toEqual([
    { version: 1, name: "create_notes" },
  ]);
  expect([...(await db.sql`SELECT id FROM notes`)]).toEqual([]);
});

test("two test databases are separate", async () => {
  const first = await open();
  const second = await open();

  await first.sql`INSERT INTO notes (id, title) VALUES (1, 'only in the first')`;

  expect(second.url).not.toBe(first.url);
  expect([...(await second.sql`SELECT id FROM notes`)]).toEqual([]);
  expect([...(await first.sql`SELECT id FROM notes`)]).toEqual([{ id: 1 }]);
});

test.skipIf(source !== "TEST_DATABASE_URL")(
  "close() drops the database from the server",
  async () => {
    const db = await createTestDatabase({ migrations: [createNotes] });
    const name = new URL(db.url).pathname.slice(1);
    const admin = new SQL(process.env.TEST_DATABASE_URL ?? "", { max: 1 });
    try {
      const count = async (): Promise<unknown> => [
        ...(await admin`SELECT count(*)::int AS count FROM pg_database WHERE datname = ${name}`),
      ];
      expect(await count()).toEqual([{ count: 1 }]);

      await db.close();

      expect(await count()).toEqual([{ count: 0 }]);
    } finally {
      await admin.close({ timeout: 5 });
    }
  },
);

test.skipIf(source !== "embedded")("close() stops the embedded server", async () => {
  const db = await createTestDatabase({ migrations: [createNotes] });

  await db.close();

  const sql = new SQL(db.url, { max: 1, connectionTimeout: 2 });
  try {
    expect(
      await sql`SELECT 1`.then(
        () => "answered",
        () => "refused",
      ),
    ).toBe("refused");
  } finally {
    await sql.close({ timeout: 1 });
  }
});

test("embedded servers started together before any snapshot exists both serve", async () => {
  // A fresh temp folder: no cluster snapshot yet, as on a new machine, where a stack starts
  // its services' databases at once.
  const previous = process.env.TMPDIR;
  const tmp = await mkdtemp(join(tmpdir(), "trellis-snapshot-"));
  process.env.TMPDIR = tmp;
  const started = await Promise.allSettled([startEmbeddedPostgres(), startEmbeddedPostgres()]);
  if (previous === undefined) {
    delete process.env.TMPDIR;
  } else {
    process.env.TMPDIR = previous;
  }
  const servers = started.flatMap((result) =>
    result.status === "fulfilled" ? [result.value] : [],
  );
  try {
    expect(started.map((result) => result.status)).toEqual(["fulfilled", "fulfilled"]);
    for (const server of servers) {
      const sql = new SQL(server.url, { max: 1 });
      try {
        const [row] = await sql`SELECT 1 AS one`;
        expect(row).toEqual({ one: 1 });
      } finally {
        await sql.close({ timeout: 1 });
      }
    }
    expect(await readdir(join(tmp, "trellis-pglite"))).toEqual([
      expect.stringMatching(/^cluster-[0-9a-f]{16}\.tar$/),
    ]);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await rm(tmp, { recursive: true, force: true });
  }
});
