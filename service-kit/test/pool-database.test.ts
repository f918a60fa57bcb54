import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  createTestDatabase,
  supportsConcurrentConnections,
  type TestDatabase,
} from "@trellis/testing";
import { createPool } from "../src/db/pool.ts";
import { silentLogger } from "../src/log.ts";

// Bun's client lets PGDATABASE override the database a URL names. A pool must connect to the
// database its DATABASE_URL says whatever the environment holds: a platform or a developer's
// shell that sets PGDATABASE would otherwise point a service, or the test harness, elsewhere.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrations: [] });
});
afterAll(async () => {
  await db?.close();
});

/**
 * Runs `run` with PGDATABASE naming a database no server has: a pool that obeyed it would fail
 * to connect, and could not write to a database that exists (template1 would pass its tables to
 * every database created after).
 */
async function withPgDatabase<T>(run: () => Promise<T>): Promise<T> {
  const before = process.env.PGDATABASE;
  process.env.PGDATABASE = "trellis_no_such_database";
  try {
    return await run();
  } finally {
    if (before === undefined) {
      delete process.env.PGDATABASE;
    } else {
      process.env.PGDATABASE = before;
    }
  }
}

// A second pool beside the harness's: the embedded fallback serves one connection at a time.
test.skipIf(!(await supportsConcurrentConnections()))(
  "the kit's pool connects to its URL's database, not PGDATABASE's",
  async () => {
    const [row] = await withPgDatabase(async () => {
      const sql = createPool(
        {
          url: db.url,
          poolMax: 1,
          connectTimeoutSeconds: 5,
          statementTimeoutMs: 5_000,
          idleTimeoutSeconds: 0,
        },
        { name: "pool-database-test", log: silentLogger() },
      );
      try {
        return await sql<{ name: string }[]>`SELECT current_database() AS name`;
      } finally {
        await sql.close();
      }
    });

    expect(row?.name).toBe(decodeURIComponent(new URL(db.url).pathname.slice(1)));
  },
);

test("the harness's test database is the one it created, not PGDATABASE's", async () => {
  const [row] = await withPgDatabase(async () => {
    const own = await createTestDatabase({ migrations: [] });
    try {
      const rows = await own.sql<{ name: string }[]>`SELECT current_database() AS name`;
      return rows.map((r) => ({ name: r.name, url: own.url }));
    } finally {
      await own.close();
    }
  });

  expect(row?.name).toBe(decodeURIComponent(new URL(row?.url ?? "x:").pathname.slice(1)));
});
