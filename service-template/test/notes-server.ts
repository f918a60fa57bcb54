import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import { NotesServiceService } from "@trellis/contracts/notes/v1";
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
import { createNotesRepo, type NotesRepo } from "../src/db/notes.ts";
import { createNotesService } from "../src/server.ts";

export const serviceDir = join(import.meta.dir, "..");

export type NotesClient = PromiseClient<typeof NotesServiceService>;

/** A fresh database with this service's migrations applied. */
export async function notesDatabase(): Promise<TestDatabase> {
  return createTestDatabase({ migrations: await readMigrations(join(serviceDir, "migrations")) });
}

export interface NotesServer {
  port: number;
  client: NotesClient;
  stop(): Promise<void>;
}

/**
 * The real service on `db`, served in this process on 127.0.0.1 with a free port, and a kit
 * client for it. `wrap` lets a test slow down or observe the repository.
 */
export async function startNotesServer(
  db: TestDatabase,
  wrap: (notes: NotesRepo) => NotesRepo = (notes) => notes,
): Promise<NotesServer> {
  const log = silentLogger();
  const deps = { notes: wrap(createNotesRepo(db.sql)), newId: () => Bun.randomUUIDv7() };
  const host = await startServiceHost({
    services: [createNotesService(deps, { log, callerSecret: testCallerSecret })],
    host: "127.0.0.1",
    port: 0,
    log,
    shutdownDelayMs: 0,
    shutdownGraceMs: 1_000,
  });
  host.markServing();
  const client = createClient(NotesServiceService, `127.0.0.1:${host.port}`, {
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
