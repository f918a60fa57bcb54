import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import { createTestDatabase, freePort, type TestDatabase, testCallerKeys } from "@trellis/testing";
import { parsePublicKeys } from "../src/caller/caller-keys.ts";
import type { ServiceConfig } from "../src/config/service-config.ts";
import type { Migration } from "../src/db/migrate.ts";
import { pgErrorCode } from "../src/db/pg-error.ts";
import { silentLogger } from "../src/log.ts";
import { bindService } from "../src/server/bind-service.ts";
import { type RunningServer, startServer } from "../src/server/start-server.ts";
import { ECHO_SERVICE_NAME, echo, echoService, ping } from "./support/echo-service.ts";
import { healthStatus } from "./support/health.ts";

// A cold embedded Postgres pays for an initdb on first use.
setDefaultTimeout(30_000);

const log = silentLogger();

const opened: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

async function startEcho(migrations: Migration[]): Promise<{
  port: number;
  db: TestDatabase;
  starting: Promise<RunningServer>;
}> {
  const db = await createTestDatabase({ migrations: [] });
  opened.push(db);
  const port = freePort();
  const config: ServiceConfig = {
    host: "127.0.0.1",
    port,
    logLevel: "silent",
    database: {
      url: db.url,
      poolMax: 1,
      connectTimeoutSeconds: 5,
      statementTimeoutMs: 5_000,
      idleTimeoutSeconds: 0,
    },
    mode: "development",
    callerKeys: parsePublicKeys(testCallerKeys.publicKeys),
    migrationsDir: undefined,
    shutdownDelayMs: 0,
    shutdownGraceMs: 2_000,
  };
  const implementation = bindService(
    echoService,
    { echo, ping },
    { log, callerKeys: parsePublicKeys(testCallerKeys.publicKeys) },
  );
  const starting = startServer({
    config,
    log,
    sql: db.sql,
    migrations,
    services: [{ name: ECHO_SERVICE_NAME, definition: echoService, implementation }],
  });
  return { port, db, starting };
}

/** The first health answer the server gives once it listens. */
async function firstHealthAnswer(port: number, service: string): Promise<string> {
  const until = Date.now() + 5_000;
  for (;;) {
    try {
      return await healthStatus(port, service);
    } catch (error) {
      if (Date.now() > until) {
        throw error;
      }
      await Bun.sleep(10);
    }
  }
}

test("startServer listens NOT_SERVING while migrations run, then reports SERVING", async () => {
  // The migration's sleep is the window for the first health answer: listening and one call on
  // loopback take milliseconds, and 2 s leaves a loaded machine room to spare.
  const slow: Migration = { version: 1, name: "slow", sql: "SELECT pg_sleep(2);" };
  const { port, db, starting } = await startEcho([slow]);
  let ready = false;
  void starting.then(() => {
    ready = true;
  });

  expect(await firstHealthAnswer(port, ECHO_SERVICE_NAME)).toBe("NOT_SERVING");
  expect(ready).toBe(false);

  const service = await starting;
  try {
    expect(service.port).toBe(port);
    expect(await healthStatus(port, "")).toBe("SERVING");
    expect(await healthStatus(port, ECHO_SERVICE_NAME)).toBe("SERVING");
    expect([...(await db.sql`SELECT version FROM schema_migrations`)]).toEqual([{ version: 1 }]);
  } finally {
    await service.stop();
  }
  expect(await healthStatus(port, "").catch((error: { code: number }) => error.code)).toBe(
    status.UNAVAILABLE,
  );
});

test("startServer fails when a migration fails, and stops listening", async () => {
  const broken: Migration = { version: 1, name: "broken", sql: "SELECT 1 / 0;" };
  const { port, starting } = await startEcho([broken]);

  const error = await starting.then(
    () => "started",
    (caught: unknown) => caught,
  );

  expect(pgErrorCode(error)).toBe("22012");
  expect(await healthStatus(port, "").catch((error: { code: number }) => error.code)).toBe(
    status.UNAVAILABLE,
  );
});
