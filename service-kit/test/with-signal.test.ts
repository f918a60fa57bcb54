import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  createTestDatabase,
  supportsConcurrentConnections,
  type TestDatabase,
} from "@trellis/testing";
import { SQL } from "bun";
import { pgCodes, pgErrorCode } from "../src/db/pg-error.ts";
import { createPool, type Sql } from "../src/db/pool.ts";
import { withSignal } from "../src/db/with-signal.ts";
import { silentLogger } from "../src/log.ts";
import { eventually } from "./support/eventually.ts";

// A cold embedded Postgres pays for an initdb on first use.
setDefaultTimeout(30_000);

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({
    migrations: [{ version: 1, name: "create_hits", sql: "CREATE TABLE hits (n integer);" }],
  });
});
const pools: Sql[] = [];
afterAll(async () => {
  await Promise.all(pools.map((sql) => sql.close({ timeout: 5 })));
  await db.close();
});

function pool(max: number): Sql {
  const sql = new SQL(db.url, { max });
  pools.push(sql);
  return sql;
}

async function sleepersRunning(): Promise<number> {
  const [row] = await db.sql<{ count: number }[]>`
    SELECT count(*)::int AS count FROM pg_stat_activity
    WHERE datname = current_database() AND state = 'active' AND query LIKE 'SELECT pg_sleep%'`;
  return row?.count ?? 0;
}

test("an already-aborted signal never runs the query", async () => {
  const reason = new Error("caller gave up");

  const result = withSignal(db.sql`INSERT INTO hits VALUES (1)`, AbortSignal.abort(reason));

  await expect(result).rejects.toBe(reason);
  expect([...(await db.sql`SELECT n FROM hits`)]).toEqual([]);
});

describe.skipIf(!(await supportsConcurrentConnections()))(
  "withSignal and pool settings (needs several connections; skipped on embedded Postgres)",
  () => {
    test("cancels a running query when the signal aborts and rejects with its reason", async () => {
      const sql = pool(1);
      const controller = new AbortController();
      const reason = new Error("deadline passed");
      const result = withSignal(sql`SELECT pg_sleep(5)`, controller.signal);
      const settled = result.catch((error: unknown) => error);
      expect(await eventually(async () => (await sleepersRunning()) === 1)).toBe(true);

      const aborted = performance.now();
      controller.abort(reason);

      expect(await settled).toBe(reason);
      expect(performance.now() - aborted).toBeLessThan(2_000);
      expect(await eventually(async () => (await sleepersRunning()) === 0)).toBe(true);
      expect([...(await sql`SELECT 1 AS one`)]).toEqual([{ one: 1 }]);
    });

    test("takes a query waiting for a busy pool out of the queue when its signal aborts", async () => {
      const sql = pool(1);
      let firstFinished = false;
      const first = withSignal(
        sql`SELECT 'first' AS which, pg_sleep(1)::text AS slept`,
        new AbortController().signal,
      ).finally(() => {
        firstFinished = true;
      });
      const controller = new AbortController();
      const reason = new Error("deadline passed");
      setTimeout(() => controller.abort(reason), 100);

      const second = await withSignal(sql`SELECT 'second' AS which`, controller.signal).catch(
        (error: unknown) => error,
      );

      expect(second).toBe(reason);
      expect(firstFinished).toBe(false);
      expect([...(await first)]).toEqual([{ which: "first", slept: "" }]);
      expect([...(await sql`SELECT 'third' AS which`)]).toEqual([{ which: "third" }]);
    });

    test("createPool sets statement_timeout, so a long statement fails with 57014", async () => {
      const sql = createPool(
        {
          url: db.url,
          poolMax: 1,
          connectTimeoutSeconds: 5,
          statementTimeoutMs: 200,
          idleTimeoutSeconds: 0,
        },
        { name: "with-signal-test", log: silentLogger() },
      );
      pools.push(sql);

      const error = await sql`SELECT pg_sleep(2)`.catch((caught: unknown) => caught);

      expect(pgErrorCode(error)).toBe(pgCodes.queryCanceled);
      expect([...(await sql`SELECT current_setting('application_name') AS name`)]).toEqual([
        { name: "with-signal-test" },
      ]);
    });
  },
);
