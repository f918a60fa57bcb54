import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestDatabase, type TestDatabase } from "@trellis/testing";
import { poolStateReader, statementOfQuery } from "../src/db/bun-sql-internals.ts";

// The kit reads two things Bun's client keeps private (the pool's state, a query's statement
// text). A Bun whose internals moved must fail here, not leave the metrics and the error spans
// silently empty.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({
    migrations: [{ version: 1, name: "create_t", sql: "CREATE TABLE t (id int, title text);" }],
  });
});
afterAll(async () => {
  await db?.close();
});

test("this Bun's pool can be read", () => {
  const read = poolStateReader(db.sql);

  expect(read).toBeFunction();
  expect(read?.()).toEqual({
    idle: expect.any(Number),
    used: expect.any(Number),
    pending: expect.any(Number),
  });
});

test.each([
  { name: "values", make: (sql: TestDatabase["sql"]) => sql`SELECT * FROM t WHERE id = ${1}` },
  {
    name: "a helper and a fragment",
    make: (sql: TestDatabase["sql"]) =>
      sql`UPDATE t SET ${sql({ title: "x" }, "title")} WHERE id = ${2} ${sql`AND true`}`,
  },
  {
    name: "an array",
    make: (sql: TestDatabase["sql"]) => sql`SELECT * FROM t WHERE id = ANY(${sql.array([1, 2])})`,
  },
])("a query's statement, read before it runs, is the one Bun sends: $name", async ({ make }) => {
  const before = statementOfQuery(make(db.sql));

  const sent = await make(db.sql);

  expect(before).toBeString();
  expect(before).toBe(sent.statement?.string);
});

test("a statement read holds placeholders, never the values", () => {
  const secret = `secret ${crypto.randomUUID()}`;

  expect(statementOfQuery(db.sql`SELECT * FROM t WHERE title = ${secret}`)).toBe(
    "SELECT * FROM t WHERE title = $1 ",
  );
});
