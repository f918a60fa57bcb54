import type { Sql } from "@trellis/service-kit";

// What Postgres did on its own during a measured window: checkpoints (and the buffers they
// wrote) and autovacuum workers. A window slower than its neighbours with a checkpoint or an
// autovacuum in it is the database's housekeeping, not the route slowing down; without this
// the decay table could not tell the two apart. Checkpoints are counters (read at both ends);
// autovacuum workers are only visible while they run, so they are sampled every second.

export interface PostgresBackground {
  /** Checkpoints that finished in the window (timed or requested). */
  checkpoints: number;
  /** Buffers the checkpointer wrote in the window. */
  checkpointBuffers: number;
  /** What autovacuum workers were seen doing (their `query`, e.g. `autovacuum: VACUUM public.notes`), with their database. */
  autovacuum: string[];
}

interface Counters {
  checkpoints: number;
  buffers: number;
}

export interface BackgroundWatch {
  /** Stops sampling and returns what happened since the watch started. */
  stop(): Promise<PostgresBackground | null>;
}

const SAMPLE_EVERY_MS = 1_000;

/** Starts watching; null readings (an old or unreachable server) give a null result, not an error. */
export async function watchPostgresBackground(sql: Sql): Promise<BackgroundWatch> {
  const start = await counters(sql).catch(() => null);
  const seen = new Set<string>();
  const sample = async (): Promise<void> => {
    for (const worker of await autovacuumWorkers(sql).catch(() => [])) {
      seen.add(worker);
    }
  };
  await sample();
  const timer = setInterval(() => void sample(), SAMPLE_EVERY_MS);
  return {
    async stop() {
      clearInterval(timer);
      await sample();
      const end = await counters(sql).catch(() => null);
      if (start === null || end === null) {
        return null;
      }
      return {
        checkpoints: end.checkpoints - start.checkpoints,
        checkpointBuffers: end.buffers - start.buffers,
        autovacuum: [...seen].sort(),
      };
    },
  };
}

/** `2 checkpoint(s); 1,200 buffers written; bench_notes: autovacuum: VACUUM public.notes`, or `nothing`. */
export function describeBackground(postgres: PostgresBackground): string {
  const parts = [
    ...(postgres.checkpoints > 0 ? [`${postgres.checkpoints} checkpoint(s)`] : []),
    ...(postgres.checkpointBuffers > 0
      ? [`${postgres.checkpointBuffers.toLocaleString("en-US")} buffers written`]
      : []),
    ...postgres.autovacuum,
  ];
  return parts.length === 0 ? "nothing" : parts.join("; ");
}

// Postgres 17 moved the checkpointer's counters from pg_stat_bgwriter to pg_stat_checkpointer.
async function counters(sql: Sql): Promise<Counters> {
  const [version] = await sql<{ has17: boolean }[]>`
    SELECT to_regclass('pg_catalog.pg_stat_checkpointer') IS NOT NULL AS has17`;
  const rows = version?.has17
    ? await sql<Counters[]>`
        SELECT (num_timed + num_requested)::float8 AS checkpoints, buffers_written::float8 AS buffers
        FROM pg_stat_checkpointer`
    : await sql<Counters[]>`
        SELECT (checkpoints_timed + checkpoints_req)::float8 AS checkpoints,
               buffers_checkpoint::float8 AS buffers
        FROM pg_stat_bgwriter`;
  const [row] = rows;
  if (row === undefined) {
    throw new Error("no checkpointer statistics");
  }
  return row;
}

async function autovacuumWorkers(sql: Sql): Promise<string[]> {
  const rows = await sql<{ datname: string | null; query: string }[]>`
    SELECT datname, query FROM pg_stat_activity
    WHERE backend_type = 'autovacuum worker' AND query <> ''`;
  return rows.map((row) => `${row.datname ?? "?"}: ${row.query}`);
}
