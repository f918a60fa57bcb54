import { createHash } from "node:crypto";
import { mkdir, rename, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/** A Postgres running in this process (PGlite) behind a socket on 127.0.0.1. */
export interface EmbeddedPostgres {
  /** Connection URL for a Postgres client; use a pool of one connection (see below). */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite behind pglite-socket. PGlite is a single backend: it serves one connection at a
 * time and an open transaction blocks everyone else, so clients must use `max: 1`.
 *
 * Without `dataDir` the database lives in memory and starts from a snapshot of a fresh cluster,
 * made once per PGlite version and kept in the OS temp folder: ~0.6 s instead of a 4-10 s initdb.
 * With `dataDir` it persists there (initdb on first use).
 */
export async function startEmbeddedPostgres(
  options: { dataDir?: string } = {},
): Promise<EmbeddedPostgres> {
  const db =
    options.dataDir === undefined
      ? await PGlite.create({ loadDataDir: await freshClusterSnapshot() })
      : await PGlite.create({ dataDir: options.dataDir });
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0 });
  await server.start();
  return {
    // Every client of a PGlite shares its one backend, and with it the prepared statements: two
    // pools naming theirs alike ("P0") collide. Unnamed statements (Bun's client reads
    // `prepare=false` from the URL) keep each pool to its own.
    url: `postgres://postgres@${server.getServerConn()}/postgres?prepare=false`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

// One snapshot in the making per path and process: databases started together (a stack's
// services) share its initdb instead of racing to write the same file.
const snapshotsInFlight = new Map<string, Promise<Blob>>();

async function freshClusterSnapshot(): Promise<Blob> {
  const dir = join(tmpdir(), "trellis-pglite");
  const path = join(dir, `cluster-${await pgliteBuildId()}.tar`);
  const cached = Bun.file(path);
  if (await cached.exists()) {
    return cached;
  }
  let snapshot = snapshotsInFlight.get(path);
  if (snapshot === undefined) {
    snapshot = makeClusterSnapshot(dir, path).finally(() => snapshotsInFlight.delete(path));
    snapshotsInFlight.set(path, snapshot);
  }
  return snapshot;
}

async function makeClusterSnapshot(dir: string, path: string): Promise<Blob> {
  const db = await PGlite.create();
  const snapshot = await db.dumpDataDir("none");
  await db.close();
  await mkdir(dir, { recursive: true });
  // Write then rename, so a concurrent run never reads half a snapshot; a name of its own, so
  // two runs writing at once do not move each other's file.
  const partial = `${path}.${process.pid}.${crypto.randomUUID()}.partial`;
  await Bun.write(partial, snapshot);
  await rename(partial, path);
  return snapshot;
}

/** Changes whenever the installed PGlite does, so a snapshot never outlives its version. */
async function pgliteBuildId(): Promise<string> {
  const entry = Bun.resolveSync("@electric-sql/pglite", import.meta.dir);
  const { size, mtimeMs } = await stat(entry);
  return createHash("sha256").update(`${entry}:${size}:${mtimeMs}`).digest("hex").slice(0, 16);
}
