import { join } from "node:path";
import { IdentityServiceService } from "@trellis/contracts/identity/v1";
import { type PromiseClient, readMigrations } from "@trellis/service-kit";
import {
  createTestDatabase,
  startTestServer,
  type TestDatabase,
  type TestServer,
} from "@trellis/testing";
import { createSessionsRepo } from "../src/db/sessions.ts";
import { createUsersRepo } from "../src/db/users.ts";
import type { Deps } from "../src/deps.ts";
import { createIdentityService } from "../src/server.ts";
import { defaultAbsoluteLifetimeMs } from "../src/session.ts";
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
    sessionAbsoluteLifetimeMs: defaultAbsoluteLifetimeMs,
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

export type IdentityServer = TestServer<typeof IdentityServiceService>;

/**
 * The real service on `db`, served in this process on 127.0.0.1 with a free port, and a kit
 * client for it signed as the gateway (or as `userId` per call).
 */
export function startIdentityServer(
  db: TestDatabase,
  overrides: Partial<Deps> = {},
): Promise<IdentityServer> {
  const deps = realDeps(db, overrides);
  return startTestServer(IdentityServiceService, (options) => createIdentityService(deps, options));
}
