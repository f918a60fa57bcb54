import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  createTestDatabase,
  supportsConcurrentConnections,
  type TestDatabase,
} from "@trellis/testing";
import { describeBackground, watchPostgresBackground } from "./postgres-background.ts";

// The decay table says a slow window had a checkpoint in it only if the watch counts one.

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ migrations: [], max: 2 });
});

afterAll(async () => {
  await db.close();
});

// PGlite, the embedded fallback, is a single backend with no checkpointer statistics.
test.skipIf(!(await supportsConcurrentConnections()))(
  "a checkpoint made during the watch is counted, with the buffers it wrote",
  async () => {
    await db.sql`CREATE TABLE dirty (id int PRIMARY KEY, note text)`;
    const watch = await watchPostgresBackground(db.sql);
    await db.sql`INSERT INTO dirty SELECT i, repeat('x', 200) FROM generate_series(1, 5000) i`;
    await db.sql`CHECKPOINT`;
    const seen = await watch.stop();
    expect(seen?.checkpoints).toBeGreaterThanOrEqual(1);
    expect(seen?.checkpointBuffers).toBeGreaterThan(0);
  },
);

test("a server whose statistics cannot be read gives no reading, not an error", async () => {
  const unreadable = Object.assign(async () => Promise.reject(new Error("no")), {}) as never;
  const watch = await watchPostgresBackground(unreadable);
  expect(await watch.stop()).toBeNull();
});

test.each([
  [{ checkpoints: 0, checkpointBuffers: 0, autovacuum: [] }, "nothing"],
  [
    { checkpoints: 1, checkpointBuffers: 12345, autovacuum: [] },
    "1 checkpoint(s); 12,345 buffers written",
  ],
  [
    {
      checkpoints: 0,
      checkpointBuffers: 40,
      autovacuum: ["bench_notes: autovacuum: VACUUM public.notes"],
    },
    "40 buffers written; bench_notes: autovacuum: VACUUM public.notes",
  ],
])("%o reads %p", (background, text) => {
  expect(describeBackground(background)).toBe(text);
});
