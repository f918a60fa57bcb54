import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import { IdentityServiceService } from "@trellis/contracts/identity/v1";
import {
  createClient,
  type PromiseClient,
  readMigrations,
  silentLogger,
  startServiceHost,
} from "@trellis/service-kit";
import {
  createTestDatabase,
  type TestDatabase,
  testCallerSecret,
} from "@trellis/service-kit/testing";
import { createSessionsRepo } from "../src/db/sessions.ts";
import { createUsersRepo } from "../src/db/users.ts";
import type { Deps } from "../src/deps.ts";
import { createIdentityService } from "../src/server.ts";
import { newSessionToken } from "../src/session-token.ts";

export const serviceDir = join(import.meta.dir, "..");

export type IdentityClient = PromiseClient<typeof IdentityServiceService>;

/** A fresh database with this service's migrations applied. */
export async function identityDatabase(): Promise<TestDatabase> {
  return createTestDatabase({ migrations: await readMigrations(join(serviceDir, "migrations")) });
}

/** The deps main.ts builds, on `db`, with any of them replaced. */
export function realDeps(db: TestDatabase, overrides: Partial<Deps> = {}): Deps {
  return {
    users: createUsersRepo(db.sql),
    sessions: createSessionsRepo(db.sql),
    newId: () => Bun.randomUUIDv7(),
    now: () => new Date(),
    newSessionToken,
    ...overrides,
  };
}

/** The real clock, moved by `advance`: lets a test live through 30 days of a session. */
export interface TestClock {
  now(): Date;
  advance(ms: number): void;
  reset(): void;
}

export function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms) {
      offset += ms;
    },
    reset() {
      offset = 0;
    },
  };
}

export interface IdentityServer {
  port: number;
  client: IdentityClient;
  stop(): Promise<void>;
}

/**
 * The real service on `db`, served in this process on 127.0.0.1 with a free port, and a kit
 * client for it signed as the gateway (or as `userId` per call).
 */
export async function startIdentityServer(
  db: TestDatabase,
  overrides: Partial<Deps> = {},
): Promise<IdentityServer> {
  const log = silentLogger();
  const host = await startServiceHost({
    services: [
      createIdentityService(realDeps(db, overrides), { log, callerSecret: testCallerSecret }),
    ],
    host: "127.0.0.1",
    port: 0,
    log,
    shutdownDelayMs: 0,
    shutdownGraceMs: 1_000,
  });
  host.markServing();
  const client = createClient(IdentityServiceService, `127.0.0.1:${host.port}`, {
    timeoutMs: 5_000,
    callerSecret: testCallerSecret,
  });
  return {
    port: host.port,
    client,
    async stop() {
      client.close();
      await host.shutdown();
    },
  };
}

/** How a client call ended: the response, or the status code name and details. */
export type CallOutcome<Response> = { ok: Response } | { code: string; details: string };

export async function callOutcome<Response>(
  call: Promise<Response>,
): Promise<CallOutcome<Response>> {
  try {
    return { ok: await call };
  } catch (error) {
    if (isServiceError(error)) {
      return { code: status[error.code] ?? String(error.code), details: error.details };
    }
    throw error;
  }
}

function isServiceError(error: unknown): error is { code: status; details: string } {
  return (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    typeof error.code === "number" &&
    "details" in error &&
    typeof error.details === "string"
  );
}
