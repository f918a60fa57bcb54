import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@trellis/testing";
import { SQL } from "bun";
import { pgErrorCode } from "../src/db/pg-error.ts";
import type { Sql } from "../src/db/pool.ts";

// The repositories turn a SQLSTATE into a domain error: it must be read from every error the
// server sends, also in a compiled, minified binary, and never from anything else.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({
    migrations: [
      { version: 1, name: "create_once", sql: "CREATE TABLE once (a int PRIMARY KEY);" },
    ],
  });
});
afterAll(async () => {
  await db?.close();
});

test.each([
  { name: "division by zero", run: (sql: Sql) => sql`SELECT 1 / 0`, code: "22012" },
  { name: "unknown table", run: (sql: Sql) => sql`SELECT * FROM no_such_table`, code: "42P01" },
  {
    name: "a unique violation",
    run: (sql: Sql) => sql`INSERT INTO once VALUES (1), (1)`,
    code: "23505",
  },
])("the SQLSTATE of an error the server sent: $name", async ({ run, code }) => {
  const error = await run(db.sql).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(pgErrorCode(error)).toBe(code);
});

test("the SQLSTATE of an error read in a minified, bundled build (a compiled binary's)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "pg-error-"));
  try {
    const entry = join(dir, "entry.ts");
    await Bun.write(
      entry,
      `import { pgErrorCode } from ${JSON.stringify(join(import.meta.dir, "../src/db/pg-error.ts"))};
       export { pgErrorCode };`,
    );
    const built = await Bun.build({
      entrypoints: [entry],
      outdir: join(dir, "out"),
      target: "bun",
      minify: true,
    });
    const [output] = built.outputs;
    if (!built.success || output === undefined) {
      throw new Error(`bundling failed: ${built.logs.join("\n")}`);
    }
    const minified = (await import(output.path)) as { pgErrorCode: typeof pgErrorCode };
    const error = await db.sql`SELECT 1 / 0`.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(minified.pgErrorCode(error)).toBe("22012");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.each([
  { name: "a plain Error with a code", error: Object.assign(new Error("x"), { code: "23505" }) },
  { name: "an Error with an errno", error: Object.assign(new Error("x"), { errno: "23505" }) },
  { name: "a network error", error: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }) },
  { name: "a string", error: "23505" },
  { name: "null", error: null },
])("no SQLSTATE for $name", ({ error }) => {
  expect(pgErrorCode(error)).toBeNull();
});

test("no SQLSTATE for an error the client raised itself (a refused connection)", async () => {
  const closed = new SQL("postgres://postgres@127.0.0.1:1/postgres", { max: 1 });
  const error = await closed`SELECT 1`.then(
    () => null,
    (caught: unknown) => caught,
  );
  await closed.close();
  expect(error).toBeInstanceOf(SQL.PostgresError);
  expect(pgErrorCode(error)).toBeNull();
});
