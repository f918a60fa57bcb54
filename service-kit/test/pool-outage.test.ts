import { afterAll, expect, test } from "bun:test";
import { freePort } from "@trellis/testing";
import { beginWithSignal } from "../src/db/begin-with-signal.ts";
import { isDatabaseUnavailable } from "../src/db/pg-error.ts";
import { createPool } from "../src/db/pool.ts";
import { withSignal } from "../src/db/with-signal.ts";
import { silentLogger } from "../src/log.ts";

// While Postgres is down, each call's queries must fail as "database unavailable" within the
// call's deadline (the gateway's 503: the client tries again), not wait out the deadline behind
// the pool's reconnect backoff (a 504 after the full deadline, for every call of the outage).

const sql = createPool(
  {
    url: `postgres://postgres@127.0.0.1:${freePort()}/postgres`,
    poolMax: 4,
    connectTimeoutSeconds: 2,
    statementTimeoutMs: 5_000,
    idleTimeoutSeconds: 0,
  },
  { name: "outage-test", log: silentLogger() },
);
afterAll(() => sql.close({ timeout: 1 }));

/** How 30 calls in a row, each with a 1 s deadline, ended against a database that is down. */
async function outcomes(
  call: (signal: AbortSignal) => Promise<unknown>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < 30; i++) {
    const outcome = await call(AbortSignal.timeout(1_000)).then(
      () => "answered",
      (error: unknown) => (isDatabaseUnavailable(error) ? "unavailable" : "deadline or other"),
    );
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return counts;
}

test.each([
  { name: "a query", call: (signal: AbortSignal) => withSignal(sql`SELECT 1`, signal) },
  {
    name: "a transaction",
    call: (signal: AbortSignal) =>
      beginWithSignal(sql, signal, (tx) => withSignal(tx`SELECT 1`, signal)),
  },
])(
  "with Postgres down, $name fails unavailable every time, never at the deadline",
  async ({ call }) => {
    expect(await outcomes(call)).toEqual({ unavailable: 30 });
  },
  60_000,
);
