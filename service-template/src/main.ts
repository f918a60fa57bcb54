import { join } from "node:path";
import {
  ConfigError,
  createLogger,
  createPool,
  onShutdownSignal,
  readMigrations,
  startService,
} from "@trellis/service-kit";
import { loadConfig } from "./config.ts";
import { createNotesRepo } from "./db/notes.ts";
import { createNotesService } from "./server.ts";

const name = "notes";

try {
  const config = loadConfig(process.env);
  const log = createLogger({ service: name, level: config.logLevel });
  const sql = createPool(config.database, { name, log });
  const service = await startService({
    config,
    log,
    sql,
    migrations: await readMigrations(join(import.meta.dir, "..", "migrations")),
    services: [
      createNotesService({ notes: createNotesRepo(sql), newId: () => Bun.randomUUIDv7() }, log),
    ],
  });
  onShutdownSignal(async (signal) => {
    log.info({ signal }, "shutdown requested");
    await service.stop();
    process.exit(0);
  });
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`notes: ${error.message}`);
  } else {
    console.error("notes: failed to start", error);
  }
  process.exit(1);
}
