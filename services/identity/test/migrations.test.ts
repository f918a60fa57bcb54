import { expect, test } from "bun:test";
import { join } from "node:path";
import { readMigrations, unmarkedBreakingChanges } from "@trellis/service-kit";

// A rollback runs the release before on the schema this one migrated: a migration that drops,
// renames or retypes must say `-- breaking: <why>` so that release refuses to start on it
// instead of failing at its first query (deploy/README.md, "Roll back").
test("every destructive migration is marked breaking", async () => {
  const migrations = await readMigrations(join(import.meta.dir, "../migrations"));
  expect(unmarkedBreakingChanges(migrations)).toEqual([]);
});
