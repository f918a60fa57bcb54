import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  createTestDatabase,
  supportsConcurrentConnections,
  type TestDatabase,
} from "@trellis/testing";
import { SQL, type TransactionSQL } from "bun";
import { beginWithSignal } from "../src/db/begin-with-signal.ts";
import { poolStateReader } from "../src/db/bun-sql-internals.ts";
import type { Sql } from "../src/db/pool.ts";
import { withSignal } from "../src/db/with-signal.ts";

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

async function hits(n: number): Promise<number> {
  const [row] = await db.sql<{ count: number }[]>`
    SELECT count(*)::int AS count FROM hits WHERE n = ${n}`;
  return row?.count ?? -1;
}

test("commits the work and answers its result", async () => {
  const answer = await beginWithSignal(db.sql, new AbortController().signal, async (tx) => {
    await tx`INSERT INTO hits VALUES (1)`;
    return "done";
  });

  expect(answer).toBe("done");
  expect(await hits(1)).toBe(1);
});

test("an already-aborted signal never begins", async () => {
  const reason = new Error("caller gave up");

  const got = await Promise.resolve()
    .then(() => beginWithSignal(db.sql, AbortSignal.abort(reason), async () => "ran"))
    .catch((error: unknown) => error);

  expect(got).toBe(reason);
});

describe.skipIf(!(await supportsConcurrentConnections()))(
  "beginWithSignal on a busy pool (needs several connections; skipped on embedded Postgres)",
  () => {
    test("a transaction waiting for a busy pool stops waiting when its signal aborts, never runs, and the pool stays usable", async () => {
      const sql = pool(1);
      let holderFinished = false;
      const holder = sql
        .begin((tx) => tx`SELECT pg_sleep(1)`)
        .finally(() => {
          holderFinished = true;
        });
      const controller = new AbortController();
      const reason = new Error("deadline passed");
      setTimeout(() => controller.abort(reason), 100);
      let ran = false;

      const got = await beginWithSignal(sql, controller.signal, async (tx) => {
        ran = true;
        await tx`INSERT INTO hits VALUES (2)`;
      }).catch((error: unknown) => error);

      expect(got).toBe(reason);
      expect(holderFinished).toBe(false);
      await holder;
      expect([...(await sql`SELECT 'usable' AS pool`)]).toEqual([{ pool: "usable" }]);
      expect(ran).toBe(false);
      expect(await hits(2)).toBe(0);
    });

    test("transactions that gave up while waiting leave the pool's queue at once, so none takes a connection later", async () => {
      const sql = pool(1);
      const holder = sql.begin((tx) => tx`SELECT pg_sleep(0.5)`);
      const controller = new AbortController();
      const reason = new Error("deadline passed");
      const waiting = Array.from({ length: 20 }, () =>
        beginWithSignal(
          sql,
          controller.signal,
          async (tx) => tx`INSERT INTO hits VALUES (4)`,
        ).catch((error: unknown) => error),
      );
      await Bun.sleep(50);
      const queued = poolStateReader(sql)?.().pending;

      controller.abort(reason);
      const answers = await Promise.all(waiting);
      const left = poolStateReader(sql)?.().pending;
      await holder;

      expect(queued).toBe(20);
      expect(left).toBe(0);
      expect(new Set(answers)).toEqual(new Set([reason]));
      expect(await hits(4)).toBe(0);
    });

    test.each([
      {
        name: "cancels its running query and rolls back",
        wait: (tx: TransactionSQL, signal: AbortSignal) =>
          withSignal(tx`SELECT pg_sleep(5)`, signal),
      },
      {
        name: "rolls back work that ends after the signal aborted, rather than commit it",
        wait: (_tx: TransactionSQL, signal: AbortSignal) =>
          new Promise((resolve) => signal.addEventListener("abort", resolve)),
      },
    ])("a running transaction whose signal aborts $name", async ({ wait }) => {
      const sql = pool(1);
      const controller = new AbortController();
      const reason = new Error("deadline passed");
      const n = 3 + Math.floor(Math.random() * 1_000_000);

      const running = beginWithSignal(sql, controller.signal, async (tx) => {
        await tx`INSERT INTO hits VALUES (${n})`;
        setTimeout(() => controller.abort(reason), 50);
        await wait(tx, controller.signal);
      }).catch((error: unknown) => error);

      expect(await running).toBe(reason);
      expect(await hits(n)).toBe(0);
      expect([...(await sql`SELECT 'usable' AS pool`)]).toEqual([{ pool: "usable" }]);
    });
  },
);
