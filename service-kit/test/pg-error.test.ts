import { afterAll, beforeAll, expect, test } from "bun:test";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@trellis/testing";
import type postgres from "postgres";
import { pgErrorCode } from "../src/db/pg-error.ts";

// The kit bundles its own (patched) postgres.js when published, so a pool made by another copy
// (the test harness's, a service's own) throws errors of another PostgresError class. The
// repositories' translation to domain errors must read their SQLSTATE all the same.

let db: TestDatabase;
let copyDir: string;
let other: postgres.Sql;
let minified: postgres.Sql;

beforeAll(async () => {
  db = await createTestDatabase({ migrations: [] });
  copyDir = await mkdtemp(join(tmpdir(), "other-postgres-"));
  const installed = dirname(Bun.resolveSync("postgres/package.json", import.meta.dir));
  await cp(installed, join(copyDir, "postgres"), { recursive: true, dereference: true });
  const module = (await import(join(copyDir, "postgres", "src", "index.js"))) as {
    default: typeof postgres;
  };
  other = module.default(db.url, { max: 1, onnotice: () => {} });
  minified = (await minifiedPostgres()).default(db.url, { max: 1, onnotice: () => {} });
});

/**
 * postgres.js bundled and minified, as `bun build --compile --minify` puts it in a service's
 * binary: its PostgresError class is renamed there, and with it the error's `name`.
 */
async function minifiedPostgres(): Promise<{ default: typeof postgres }> {
  const built = await Bun.build({
    entrypoints: [join(copyDir, "postgres", "src", "index.js")],
    outdir: join(copyDir, "minified"),
    target: "bun",
    minify: true,
  });
  const [output] = built.outputs;
  if (!built.success || output === undefined) {
    throw new Error(`bundling postgres.js failed: ${built.logs.join("\n")}`);
  }
  return (await import(output.path)) as { default: typeof postgres };
}

afterAll(async () => {
  await other?.end();
  await minified?.end();
  await db?.close();
  await rm(copyDir, { recursive: true, force: true });
});

test.each([
  { name: "division by zero", run: (sql: postgres.Sql) => sql`SELECT 1 / 0`, code: "22012" },
  {
    name: "unknown table",
    run: (sql: postgres.Sql) => sql`SELECT * FROM no_such_table`,
    code: "42P01",
  },
])("the SQLSTATE of an error from another copy of postgres.js: $name", async ({ run, code }) => {
  const error = await run(other).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(pgErrorCode(error)).toBe(code);
});

test("the SQLSTATE of an error from a minified postgres.js (a compiled binary's)", async () => {
  const error = await minified`SELECT 1 / 0`.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(pgErrorCode(error)).toBe("22012");
});

test.each([
  { name: "a plain Error with a code", error: Object.assign(new Error("x"), { code: "23505" }) },
  { name: "a network error", error: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }) },
  { name: "a string", error: "23505" },
  { name: "null", error: null },
])("no SQLSTATE for $name", ({ error }) => {
  expect(pgErrorCode(error)).toBeNull();
});
