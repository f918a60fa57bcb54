import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import {
  createTestDatabase,
  type MetricsRecorder,
  recordMetrics,
  supportsConcurrentConnections,
  type TestDatabase,
} from "@trellis/testing";
import { createPool, type Sql } from "../src/db/pool.ts";
import { silentLogger } from "../src/log.ts";

// db.client.connection.count and db.client.connection.pending_requests, read from the state of
// Bun's pool (src/db/bun-sql-internals.ts) whenever the reader collects.

setDefaultTimeout(30_000);

let db: TestDatabase;
let metrics: MetricsRecorder;
let sql: Sql;

beforeAll(async () => {
  db = await createTestDatabase({ migrations: [] });
  metrics = recordMetrics();
  sql = createPool(
    {
      url: db.url,
      poolMax: 2,
      connectTimeoutSeconds: 5,
      statementTimeoutMs: 10_000,
      idleTimeoutSeconds: 30,
    },
    { name: "pool-test", log: silentLogger(), meter: metrics.meter },
  );
});
afterAll(async () => {
  await sql.close({ timeout: 5 });
  await metrics.stop();
  await db.close();
});

/** The pool as the metrics report it: "used", "idle" and "pending". */
async function poolReading(): Promise<Record<string, number>> {
  const points = await metrics.collect();
  const reading: Record<string, number> = {};
  for (const point of points) {
    expect(point.attributes["db.client.connection.pool.name"]).toBe("pool-test");
    if (point.name === "db.client.connection.count") {
      reading[String(point.attributes["db.client.connection.state"])] = point.value;
    } else if (point.name === "db.client.connection.pending_requests") {
      reading.pending = point.value;
    }
  }
  return reading;
}

test("before the first query: no connection, nothing waiting", async () => {
  expect(await poolReading()).toEqual({ used: 0, idle: 0, pending: 0 });
});

test.skipIf(!(await supportsConcurrentConnections()))(
  "two transactions hold both connections and a third query waits; then both go back idle",
  async () => {
    let release = (): void => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const started: Promise<void>[] = [];
    const transactions = [1, 2].map(() => {
      let begun = (): void => {};
      started.push(
        new Promise<void>((resolve) => {
          begun = resolve;
        }),
      );
      return sql.begin(async (tx) => {
        await tx`SELECT 1`;
        begun();
        await held;
      });
    });
    await Promise.all(started);
    // Started now, not when awaited (queries are lazy); queued, as no connection is free.
    const waiting = sql`SELECT 1`.execute();
    await Bun.sleep(1);

    const busy = await poolReading();
    release();
    await Promise.all([...transactions, waiting]);
    const after = await poolReading();

    expect(busy).toEqual({ used: 2, idle: 0, pending: 1 });
    expect(after).toEqual({ used: 0, idle: 2, pending: 0 });
  },
);

test.skipIf(!(await supportsConcurrentConnections()))(
  "queries pipelined behind running ones on busy connections count as waiting",
  async () => {
    const sleeping = Array.from({ length: 6 }, () => sql`SELECT pg_sleep(0.3)`.execute());
    await Bun.sleep(100);

    const busy = await poolReading();
    await Promise.all(sleeping);

    expect(busy).toEqual({ used: 2, idle: 0, pending: 4 });
    expect(await poolReading()).toEqual({ used: 0, idle: 2, pending: 0 });
  },
);
