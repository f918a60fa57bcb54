import { join } from "node:path";
import { NotesServiceService } from "@trellis/contracts/notes/v1";
import { createIdempotency, type PromiseClient, readMigrations } from "@trellis/service-kit";
import {
  createTestDatabase,
  startTestServer,
  type TestDatabase,
  type TestServer,
} from "@trellis/testing";
import { createNotesRepo, type NotesRepo } from "../src/db/notes.ts";
import { createNotesService } from "../src/server.ts";

export type NotesClient = PromiseClient<typeof NotesServiceService>;
export type NotesServer = TestServer<typeof NotesServiceService>;

export const serviceDir = join(import.meta.dir, "..");

/** A fresh database with this service's migrations applied. */
export async function notesDatabase(): Promise<TestDatabase> {
  return createTestDatabase({ migrations: await readMigrations(join(serviceDir, "migrations")) });
}

/**
 * The real service on `db`, served in this process on 127.0.0.1 with a free port, and a kit
 * client for it. `wrap` lets a test slow down or observe the repository.
 */
export function startNotesServer(
  db: TestDatabase,
  wrap: (notes: NotesRepo) => NotesRepo = (notes) => notes,
): Promise<NotesServer> {
  const repoOf = (sql: TestDatabase["sql"]) => wrap(createNotesRepo(sql));
  const deps = {
    notes: repoOf(db.sql),
    idempotency: createIdempotency(db.sql, repoOf),
    newId: () => Bun.randomUUIDv7(),
  };
  return startTestServer(NotesServiceService, (options) => createNotesService(deps, options));
}
