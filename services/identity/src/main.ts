import { join } from "node:path";
import {
  assetDir,
  createPool,
  readMigrations,
  runService,
  startServer,
} from "@trellis/service-kit";
import { loadConfig } from "./config.ts";
import { createSessionsRepo } from "./db/sessions.ts";
import { createUsersRepo } from "./db/users.ts";
import type { Deps } from "./deps.ts";
import { createIdentityService } from "./server.ts";
import { startSessionCleanup } from "./session-cleanup.ts";
import { newSessionToken } from "./session-token.ts";

// The composition root: the only place that opens connections and starts listening.
await runService({
  name: "identity",
  loadConfig,
  async start(config, log, { meter }) {
    const sql = createPool(config.database, { name: "identity", log, meter });
    const deps: Deps = {
      users: createUsersRepo(sql),
      sessions: createSessionsRepo(sql),
      newId: () => Bun.randomUUIDv7(),
      now: () => new Date(),
      newSessionToken,
      sessionAbsoluteLifetimeMs: config.sessionAbsoluteLifetimeDays * 24 * 60 * 60 * 1000,
    };
    const server = await startServer({
      config,
      log,
      sql,
      meter,
      // From source: the package's migrations/; compiled: the migrations/ shipped beside it.
      migrations: await readMigrations(
        config.migrationsDir ?? assetDir("migrations", join(import.meta.dir, "../migrations")),
      ),
      services: [createIdentityService(deps, { log, callerKeys: config.callerKeys })],
    });
    // Expired sessions go at startup and hourly; ValidateSession also drops one when it sees it.
    const cleanup = startSessionCleanup(deps, { everyMs: 60 * 60 * 1000, timeoutMs: 60_000, log });
    return {
      async stop() {
        cleanup.stop();
        await server.stop();
      },
    };
  },
});
