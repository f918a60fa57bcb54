import { join } from "node:path";
import {
  assetDir,
  createIdempotency,
  createPool,
  readMigrations,
  runService,
  startServer,
} from "@trellis/service-kit";
import { loadConfig } from "./config.ts";
import { createNotesRepo } from "./db/notes.ts";
import { createNotesService } from "./server.ts";

// The composition root: the only place that opens connections and starts listening.
await runService({
  name: "notes",
  loadConfig,
  async start(config, log, { meter }) {
    const sql = createPool(config.database, { name: "notes", log, meter });
    const deps = {
      notes: createNotesRepo(sql),
      idempotency: createIdempotency(sql, createNotesRepo),
      newId: () => Bun.randomUUIDv7(),
    };
    return startServer({
      config,
      log,
      sql,
      meter,
      // From source: the package's migrations/; compiled: the migrations/ shipped beside it.
      migrations: await readMigrations(
        config.migrationsDir ?? assetDir("migrations", join(import.meta.dir, "../migrations")),
      ),
      services: [createNotesService(deps, { log, callerKeys: config.callerKeys })],
    });
  },
});
