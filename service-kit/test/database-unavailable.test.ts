import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import {
  createTestDatabase,
  freePort,
  supportsConcurrentConnections,
  type TestDatabase,
  testCallerKeys,
} from "@trellis/testing";
import { SQL } from "bun";
import { pino } from "pino";
import { parseSigningKey } from "../src/caller/caller-keys.ts";
import { createClient } from "../src/client/client.ts";
import { isDatabaseUnavailable } from "../src/db/pg-error.ts";
import { createPool, type Sql } from "../src/db/pool.ts";
import { silentLogger } from "../src/log.ts";
import type { GrpcServer } from "../src/server/grpc-server.ts";
import { echoService, startEchoHost } from "./support/echo-service.ts";

// A database that is down, restarting or ending sessions is the service being unavailable, not
// broken: the call fails UNAVAILABLE (the gateway's 503, "try again"), never INTERNAL (500).
// The errors are the real ones Bun's client throws, from a closed port and a terminated session.

const USER_ID = "0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69";

function pool(url: string): Sql {
  return createPool(
    { url, poolMax: 1, connectTimeoutSeconds: 2, statementTimeoutMs: 5_000, idleTimeoutSeconds: 0 },
    { name: "unavailable-test", log: silentLogger() },
  );
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => null,
    (error: unknown) => error,
  );
}

let db: TestDatabase;
let closedPort: Sql;
beforeAll(async () => {
  db = await createTestDatabase({ migrations: [] });
  closedPort = pool(`postgres://postgres@127.0.0.1:${freePort()}/postgres`);
});
afterAll(async () => {
  await closedPort?.close({ timeout: 1 });
  await db?.close();
});

/** A session the server ends while its query runs (57P01, as a fast shutdown does). */
async function terminatedSession(): Promise<unknown> {
  const own = pool(db.url);
  try {
    const [backend] = await own<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    const sleeping = failure(() => own`SELECT pg_sleep(5)`);
    await Bun.sleep(100);
    await db.sql`SELECT pg_terminate_backend(${backend?.pid ?? 0})`;
    return await sleeping;
  } finally {
    await own.close({ timeout: 1 });
  }
}

test("a refused connection (Postgres down) is the database being unavailable", async () => {
  expect(isDatabaseUnavailable(await failure(() => closedPort`SELECT 1`))).toBe(true);
});

// Two sessions at once: the embedded fallback serves one.
test.skipIf(!(await supportsConcurrentConnections()))(
  "a session the server terminated (57P01) is the database being unavailable",
  async () => {
    expect(isDatabaseUnavailable(await terminatedSession())).toBe(true);
  },
);

/** An error Postgres sent (Bun's client puts its SQLSTATE in errno), or one the client raised. */
const fromServer = (sqlState: string) =>
  new SQL.PostgresError("x", { code: "ERR_POSTGRES_SERVER_ERROR", errno: sqlState });
const fromClient = (code: string) => new SQL.PostgresError("x", { code });
const fromSocket = (code: string) => Object.assign(new Error("x"), { code });

test.each([
  { name: "cannot_connect_now (57P03, starting up)", error: fromServer("57P03"), want: true },
  { name: "crash_shutdown (57P02)", error: fromServer("57P02"), want: true },
  { name: "a connection exception (08006)", error: fromServer("08006"), want: true },
  { name: "a closed connection", error: fromClient("ERR_POSTGRES_CONNECTION_CLOSED"), want: true },
  { name: "a connect timeout", error: fromClient("ERR_POSTGRES_CONNECTION_TIMEOUT"), want: true },
  { name: "a query cancelled", error: fromClient("ERR_POSTGRES_QUERY_CANCELLED"), want: false },
  { name: "a reset socket", error: fromSocket("ECONNRESET"), want: true },
  { name: "a unique violation", error: fromServer("23505"), want: false },
  { name: "a cancelled statement (57014)", error: fromServer("57014"), want: false },
  { name: "a plain error", error: new Error("boom"), want: false },
  { name: "a string", error: "ECONNREFUSED", want: false },
])("$name: unavailable is $want", ({ error, want }) => {
  expect(isDatabaseUnavailable(error)).toBe(want);
});

describe("a call whose query finds the database down", () => {
  let host: GrpcServer;
  beforeAll(async () => {
    host = await startEchoHost({
      handler: async () => {
        await closedPort`SELECT 1`;
        return { text: "unreachable", userId: "" };
      },
    });
    host.markServing();
  });
  afterAll(() => host?.shutdown());

  test("fails UNAVAILABLE, saying only that the database is unavailable", async () => {
    const client = createClient(echoService, `127.0.0.1:${host.port}`, {
      timeoutMs: 2_000,
      callerKey: parseSigningKey(testCallerKeys.signingKey),
    });
    try {
      const got = await client.echo({ text: "x" }, { userId: USER_ID }).then(
        () => null,
        (error: { code: number; details: string }) => ({
          code: error.code,
          details: error.details,
        }),
      );
      expect(got).toEqual({ code: status.UNAVAILABLE, details: "database unavailable" });
    } finally {
      client.close();
    }
  });
});

const isClosedLine = (line: string): boolean => line.includes("postgres connection closed");

test("a connection that fails to open is a debug line with Bun's code, never the URL", async () => {
  const lines: string[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => lines.push(line) });
  const url = `postgres://app:hunter2@127.0.0.1:${freePort()}/postgres`;
  const sql = createPool(
    { url, poolMax: 1, connectTimeoutSeconds: 2, statementTimeoutMs: 5_000, idleTimeoutSeconds: 0 },
    { name: "unavailable-log-test", log },
  );

  await failure(() => sql`SELECT 1`);
  // Bun reports the closed connection on its own schedule, not before the query's rejection.
  for (let waited = 0; waited < 2_000 && !lines.some(isClosedLine); waited += 20) {
    await Bun.sleep(20);
  }
  await sql.close();

  const closed = lines.find(isClosedLine) ?? "";
  expect(JSON.parse(closed)).toMatchObject({
    level: 20,
    db_error: "ERR_POSTGRES_CONNECTION_REFUSED",
  });
  expect(lines.join("\n")).not.toContain("hunter2");
});
