import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { type Migration, readMigrations } from "@trellis/service-kit";
import { createTestDatabase, type TestDatabase } from "@trellis/testing";
import type { ChildProcess } from "./support/child-process.ts";
import { notesBinaryOn } from "./support/notes-binary.ts";
import { notesDir } from "./support/paths.ts";

// The documented rollback (deploy/README.md): revert the pin, and the release before runs on
// the schema its successor migrated. Here the release before is today's compiled notes binary,
// and its successor added one migration: additive, it starts and serves; marked breaking, it
// refuses to start and says why, rather than failing at its first query.

setDefaultTimeout(120_000);

const opened: { db: TestDatabase; child?: ChildProcess }[] = [];
afterEach(async () => {
  for (const { db, child } of opened.splice(0)) {
    await child?.stop();
    await db.close();
  }
});

/** The notes database as the next release leaves it: today's migrations, then `next`. */
async function migratedByNextRelease(next: Migration): Promise<TestDatabase> {
  const today = await readMigrations(join(notesDir, "migrations"));
  const version = Math.max(...today.map((m) => m.version)) + 1;
  const db = await createTestDatabase({ migrations: [...today, { ...next, version }] });
  await db.sql.end();
  opened.push({ db });
  return db;
}

async function notesBinary(db: TestDatabase): Promise<ChildProcess> {
  const { child } = await notesBinaryOn(db.url, { embedded: db.source === "embedded" });
  const entry = opened.find((o) => o.db === db);
  if (entry !== undefined) {
    entry.child = child;
  }
  return child;
}

test("the release before starts on a schema with an additive migration it does not know", async () => {
  const db = await migratedByNextRelease({
    version: 0,
    name: "add_note_color",
    sql: "ALTER TABLE notes ADD COLUMN color text;",
  });
  const child = await notesBinary(db);

  await child.start();

  expect(child.output()).toContain("the schema is ahead of this release by additive migrations");
});

test("the release before refuses a schema with a breaking migration, naming it", async () => {
  const db = await migratedByNextRelease({
    version: 0,
    name: "drop_note_body",
    sql: "-- breaking: body moves to note_bodies\nALTER TABLE notes DROP COLUMN body;",
  });
  const child = await notesBinary(db);

  const started = await child.start().then(
    () => "started",
    (error: unknown) => String(error),
  );

  expect(started).toContain("exited while starting");
  expect(child.output()).toContain("(drop_note_body) is applied and marked breaking");
  expect(await child.exitCode()).toBe(1);
});
