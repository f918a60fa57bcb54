import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../log.ts";
import type { Sql } from "./pool.ts";

/** One forward-only migration: `0001_create_notes.sql` is version 1, name "create_notes". */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * A migration that the release before it cannot run on (it drops, renames or retypes something
 * that release reads) says so in a line of its own: `-- breaking: <why>`. Every other one is
 * additive, so a rollback's binary may start on a schema that has it (expand/contract).
 */
const BREAKING_MARKER = /^--[ \t]*breaking:[ \t]*\S/m;

/** Whether `migration` carries the breaking marker. */
export function isBreaking(migration: Migration): boolean {
  return BREAKING_MARKER.test(migration.sql);
}

/** Thrown when the migrations on disk and the ones recorded in the database disagree. */
export class MigrationError extends Error {
  override readonly name = "MigrationError";
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

// Any constant works; it only has to be the same in every replica of every service version.
const LOCK_KEY = 7_305_102_211;

/** Reads `NNNN_name.sql` files from `dir` in version order; other .sql names are an error. */
export async function readMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith(".sql")).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_NAME.exec(file);
    if (match?.[1] === undefined || match[2] === undefined) {
      throw new MigrationError(`${join(dir, file)}: migration files are named NNNN_name.sql`);
    }
    const text = await Bun.file(join(dir, file)).text();
    migrations.push({ version: Number(match[1]), name: match[2], sql: text });
  }
  return migrations;
}

/**
 * Applies the migrations not applied yet, each in its own transaction, and records each with a
 * checksum and whether it is breaking in `schema_migrations`. Every transaction first takes one
 * advisory lock, so replicas starting together apply each file exactly once. A recorded migration
 * whose file changed, or one missing among the files this release has, stops the service:
 * history is forward-only. Recorded migrations newer than every file here (a rollback to the
 * release before them) are allowed while none is breaking; they are logged, not undone.
 */
export async function migrate(
  sql: Sql,
  migrations: Migration[],
  log: Logger,
): Promise<{ applied: number[] }> {
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  checkSequence(ordered);
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${LOCK_KEY})`;
    await tx`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`;
    // Added after the first releases: their rows are additive migrations.
    await tx`
      ALTER TABLE schema_migrations
        ADD COLUMN IF NOT EXISTS breaking boolean NOT NULL DEFAULT false`;
    const recorded = await tx<Recorded[]>`
      SELECT version, name, checksum, breaking FROM schema_migrations ORDER BY version`;
    const ahead = verifyRecorded(recorded, ordered);
    if (ahead.length > 0) {
      log.warn(
        { versions: ahead.map((row) => row.version) },
        "the schema is ahead of this release by additive migrations: starting on it",
      );
    }
  });

  const applied: number[] = [];
  for (const migration of ordered) {
    const didApply = await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${LOCK_KEY})`;
      const [done] = await tx`SELECT 1 FROM schema_migrations WHERE version = ${migration.version}`;
      if (done !== undefined) {
        return false;
      }
      await tx.unsafe(migration.sql);
      await tx`
        INSERT INTO schema_migrations (version, name, checksum, breaking)
        VALUES (${migration.version}, ${migration.name}, ${checksum(migration)},
                ${isBreaking(migration)})`;
      return true;
    });
    if (didApply) {
      log.info({ version: migration.version, migration: migration.name }, "migration applied");
      applied.push(migration.version);
    }
  }
  return { applied };
}

function checkSequence(migrations: Migration[]): void {
  const seen = new Set<number>();
  for (const migration of migrations) {
    if (seen.has(migration.version)) {
      throw new MigrationError(`two migrations have version ${migration.version}`);
    }
    seen.add(migration.version);
  }
}

interface Recorded {
  version: number;
  name: string;
  checksum: string;
  breaking: boolean;
}

/** Throws on a recorded migration this release contradicts; returns the ones newer than it. */
function verifyRecorded(recorded: Recorded[], migrations: Migration[]): Recorded[] {
  const byVersion = new Map(migrations.map((migration) => [migration.version, migration]));
  const newest = Math.max(0, ...byVersion.keys());
  const ahead: Recorded[] = [];
  for (const row of recorded) {
    const migration = byVersion.get(row.version);
    if (migration === undefined && row.version > newest && !row.breaking) {
      ahead.push(row);
    } else if (migration === undefined && row.version > newest) {
      throw new MigrationError(
        `migration ${row.version} (${row.name}) is applied and marked breaking: this release ` +
          "predates it and cannot run on that schema (roll forward, or restore a backup)",
      );
    } else if (migration === undefined) {
      throw new MigrationError(
        `migration ${row.version} (${row.name}) is applied in the database but missing here`,
      );
    } else if (checksum(migration) !== row.checksum) {
      throw new MigrationError(
        `migration ${row.version} (${row.name}) changed after it was applied: ` +
          "add a new migration instead of editing an applied one",
      );
    }
  }
  return ahead;
}

function checksum(migration: Migration): string {
  return createHash("sha256").update(migration.sql).digest("hex");
}
