import { afterAll, afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createTestDatabase,
  supportsConcurrentConnections,
  type TestDatabase,
} from "@trellis/testing";
import { SQL } from "bun";
import { type Migration, MigrationError, migrate, readMigrations } from "../src/db/migrate.ts";
import type { Sql } from "../src/db/pool.ts";
import { silentLogger } from "../src/log.ts";

// A cold embedded Postgres pays for an initdb on first use.
setDefaultTimeout(30_000);

const log = silentLogger();

const createNotes: Migration = {
  version: 1,
  name: "create_notes",
  // No IF NOT EXISTS: running it twice fails.
  sql: "CREATE TABLE notes (id integer PRIMARY KEY, title text NOT NULL);",
};
const seedNotes: Migration = {
  version: 2,
  name: "seed_notes",
  sql: "INSERT INTO notes (id, title) VALUES (1, 'first');",
};
const createTags: Migration = {
  version: 3,
  name: "create_tags",
  sql: "CREATE TABLE tags (id integer);",
};

const opened: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

/** An empty database of its own, closed after the test. */
async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrations: [] });
  opened.push(db);
  return db;
}

async function recordedVersions(sql: Sql): Promise<number[]> {
  const rows = await sql<
    { version: number }[]
  >`SELECT version FROM schema_migrations ORDER BY version`;
  return rows.map((row) => row.version);
}

async function tableExists(sql: Sql, table: string): Promise<boolean> {
  const [row] = await sql<
    { exists: boolean }[]
  >`SELECT to_regclass(${table}) IS NOT NULL AS exists`;
  return row?.exists ?? false;
}

describe("migrate", () => {
  test("applies migrations in version order and records each with its name and checksum", async () => {
    const { sql } = await emptyDatabase();

    const result = await migrate(sql, [seedNotes, createNotes], log);

    expect(result).toEqual({ applied: [1, 2] });
    const rows = await sql<{ version: number; name: string; checksum: string }[]>`
      SELECT version, name, checksum FROM schema_migrations ORDER BY version`;
    expect(rows.map(({ version, name }) => ({ version, name }))).toEqual([
      { version: 1, name: "create_notes" },
      { version: 2, name: "seed_notes" },
    ]);
    for (const row of rows) {
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
    }
    expect([...(await sql`SELECT id, title FROM notes`)]).toEqual([{ id: 1, title: "first" }]);
  });

  test("does nothing when every migration is applied already", async () => {
    const { sql } = await emptyDatabase();
    await migrate(sql, [createNotes, seedNotes], log);

    const again = await migrate(sql, [createNotes, seedNotes], log);

    expect(again).toEqual({ applied: [] });
    expect([...(await sql`SELECT id FROM notes`)]).toEqual([{ id: 1 }]);
  });

  test("applies only the migrations added since the last run", async () => {
    const { sql } = await emptyDatabase();
    await migrate(sql, [createNotes], log);

    const result = await migrate(sql, [createNotes, seedNotes, createTags], log);

    expect(result).toEqual({ applied: [2, 3] });
    expect(await recordedVersions(sql)).toEqual([1, 2, 3]);
  });

  const refusals = [
    {
      name: "an applied migration whose text changed",
      next: [createNotes, { ...seedNotes, sql: "SELECT 1;" }, createTags],
      message: "migration 2 (seed_notes) changed after it was applied",
    },
    {
      name: "an applied migration that is missing from the list",
      next: [createNotes, createTags],
      message: "migration 2 (seed_notes) is applied in the database but missing here",
    },
    {
      name: "two migrations with the same version",
      next: [createNotes, seedNotes, { ...createTags, version: 2 }],
      message: "two migrations have version 2",
    },
  ];
  test.each(refusals)("refuses $name and applies nothing", async ({ next, message }) => {
    const { sql } = await emptyDatabase();
    await migrate(sql, [createNotes, seedNotes], log);

    const error = await migrate(sql, next, log).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MigrationError);
    expect(String(error)).toContain(message);
    expect(await recordedVersions(sql)).toEqual([1, 2]);
    expect(await tableExists(sql, "tags")).toBe(false);
  });

  // A rollback: the release before runs on the schema its successor migrated.
  const addColor: Migration = {
    version: 3,
    name: "add_color",
    sql: "ALTER TABLE notes ADD COLUMN color text;",
  };
  const dropTitle: Migration = {
    version: 3,
    name: "drop_title",
    sql: "-- breaking: the title moves to a table of its own\nALTER TABLE notes DROP COLUMN title;",
  };

  test("the release before starts on a schema ahead of it by an additive migration", async () => {
    const { sql } = await emptyDatabase();
    await migrate(sql, [createNotes, seedNotes, addColor], log);
    const warnings: unknown[] = [];
    const recording = { ...log, warn: (fields: unknown) => warnings.push(fields) } as typeof log;

    const result = await migrate(sql, [createNotes, seedNotes], recording);

    expect(result).toEqual({ applied: [] });
    expect(warnings).toEqual([{ versions: [3] }]);
    expect(await recordedVersions(sql)).toEqual([1, 2, 3]);
  });

  test("the release before refuses a schema ahead of it by a breaking migration", async () => {
    const { sql } = await emptyDatabase();
    await migrate(sql, [createNotes, seedNotes, dropTitle], log);

    const error = await migrate(sql, [createNotes, seedNotes], log).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MigrationError);
    expect(String(error)).toContain(
      "migration 3 (drop_title) is applied and marked breaking: this release predates it",
    );
  });

  test("a schema recorded before the breaking column existed reads as additive", async () => {
    const { sql } = await emptyDatabase();
    // The bookkeeping table as the first releases made it (the harness may have made today's).
    await sql`DROP TABLE IF EXISTS schema_migrations`;
    await sql`
      CREATE TABLE schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`;
    await sql`INSERT INTO schema_migrations (version, name, checksum) VALUES (9, 'old', 'x')`;

    expect(await migrate(sql, [createNotes], log)).toEqual({ applied: [1] });
  });

  test("rolls a failing migration back entirely and keeps the earlier ones", async () => {
    const { sql } = await emptyDatabase();
    const failing: Migration = {
      version: 2,
      name: "half_done",
      sql: "CREATE TABLE labels (id integer); SELECT 1 / 0;",
    };

    const error = await migrate(sql, [createNotes, failing, createTags], log).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(SQL.PostgresError);
    expect(await recordedVersions(sql)).toEqual([1]);
    expect(await tableExists(sql, "notes")).toBe(true);
    expect(await tableExists(sql, "labels")).toBe(false);
    expect(await tableExists(sql, "tags")).toBe(false);
  });
});

describe.skipIf(!(await supportsConcurrentConnections()))(
  "migrate from several replicas (needs several connections; skipped on embedded Postgres)",
  () => {
    test("five runners starting together apply each migration exactly once", async () => {
      const { url } = await emptyDatabase();
      const migrations: Migration[] = [
        { version: 1, name: "create_counter", sql: "CREATE TABLE counter (n integer NOT NULL);" },
        // The sleep keeps the runners overlapping.
        {
          version: 2,
          name: "count",
          sql: "SELECT pg_sleep(0.05); INSERT INTO counter VALUES (1);",
        },
        { ...createNotes, version: 3 },
      ];
      const pools = Array.from({ length: 5 }, () => new SQL(url, { max: 2 }));
      try {
        const results = await Promise.all(pools.map((sql) => migrate(sql, migrations, log)));

        const applied = results.flatMap((result) => result.applied).sort((a, b) => a - b);
        expect(applied).toEqual([1, 2, 3]);
        const [first] = pools;
        if (first === undefined) {
          throw new Error("no pool");
        }
        expect([...(await first`SELECT count(*)::int AS count FROM counter`)]).toEqual([
          { count: 1 },
        ]);
        expect(await recordedVersions(first)).toEqual([1, 2, 3]);
      } finally {
        await Promise.all(pools.map((sql) => sql.close({ timeout: 5 })));
      }
    });
  },
);

describe("readMigrations", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function directoryWith(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "trellis-migrations-"));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) {
      await writeFile(join(dir, name), text);
    }
    return dir;
  }

  test("reads NNNN_name.sql files in version order and ignores other files", async () => {
    const dir = await directoryWith({
      "0010_add_tags.sql": "CREATE TABLE tags ();",
      "0002_seed.sql": "INSERT INTO notes DEFAULT VALUES;",
      "0001_create_notes.sql": "CREATE TABLE notes ();",
      "README.md": "not a migration",
    });

    expect(await readMigrations(dir)).toEqual([
      { version: 1, name: "create_notes", sql: "CREATE TABLE notes ();" },
      { version: 2, name: "seed", sql: "INSERT INTO notes DEFAULT VALUES;" },
      { version: 10, name: "add_tags", sql: "CREATE TABLE tags ();" },
    ]);
  });

  const badNames = [
    "1_create_notes.sql",
    "0001-create-notes.sql",
    "0001_CreateNotes.sql",
    "notes.sql",
  ];
  test.each(badNames)("refuses a .sql file named %s", async (badName) => {
    const dir = await directoryWith({
      "0001_create_notes.sql": "SELECT 1;",
      [badName]: "SELECT 2;",
    });

    const error = await readMigrations(dir).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MigrationError);
    expect(String(error)).toContain(badName);
  });
});
