import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  createTestDatabase,
  supportsConcurrentConnections,
  type TestDatabase,
} from "@trellis/testing";
import { createPool, type Sql } from "../src/db/pool.ts";
import { silentLogger } from "../src/log.ts";

// DATABASE_MAX_LIFETIME_S: a connection older than it is replaced, so none outlives a failover
// behind a DNS name by more than that.

let db: TestDatabase;
let sql: Sql;
beforeAll(async () => {
  db = await createTestDatabase({ migrations: [] });
  sql = createPool(
    {
      url: db.url,
      poolMax: 1,
      connectTimeoutSeconds: 5,
      statementTimeoutMs: 5_000,
      idleTimeoutSeconds: 0,
      maxLifetimeSeconds: 1,
    },
    { name: "pool-lifetime-test", log: silentLogger() },
  );
});
afterAll(async () => {
  await sql?.close();
  await db?.close();
});

async function backend(): Promise<number | undefined> {
  const [row] = await sql<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
  return row?.pid;
}

// The embedded fallback is one backend: every connection has its pid.
test.skipIf(!(await supportsConcurrentConnections()))(
  "a connection past its lifetime is replaced by a new one",
  async () => {
    const first = await backend();
    const soon = await backend();
    await Bun.sleep(1_500);

    const later = await backend();

    expect(soon).toBe(first);
    expect(later).not.toBe(first);
  },
);
