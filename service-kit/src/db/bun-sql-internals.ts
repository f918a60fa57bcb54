import type { SQL } from "bun";

// Two things Bun's `SQL` knows and does not expose: how busy its pool is, and the statement text
// of a query that failed (its errors carry the SQLSTATE, not the statement). Both are read from
// the pool's adapter, which every query holds under a symbol. Bun is pinned (package.json's
// packageManager, the Dockerfiles' BUN_VERSION), and `test/bun-sql-internals.test.ts` fails on a
// Bun whose internals moved. On such a Bun each reader gives undefined rather than a guess.

interface PooledConnection {
  /** 0 pending (not opened), 1 connected, 2 closed. */
  state: number;
  /** Queries sent on it and not yet answered: above 1, pipelined behind the running one. */
  queryCount: number;
  /** Bit 1 reserved, bit 2 about to be reserved (a transaction or `sql.reserve()`). */
  flags: number;
}

interface Adapter {
  connections: (PooledConnection | null)[];
  queue: unknown[];
  normalizeQuery(strings: unknown, values: unknown): [string, unknown[]];
}

const CONNECTED = 1;
const RESERVED = 0b110;

/** A pool's connections by state, and the queries waiting for one. */
export interface PoolState {
  /** Connections open and waiting for a query. */
  idle: number;
  /** Connections running queries, or held by a transaction or `reserve`. */
  used: number;
  /** Queries waiting: queued for a connection, or pipelined behind another query on one. */
  pending: number;
}

/** Reads the state of `sql`'s pool at once; undefined on a Bun whose pool looks different. */
export function poolStateReader(sql: SQL): (() => PoolState) | undefined {
  // A query is lazy: made and never awaited, it runs nothing and only lends its adapter.
  const adapter = adapterOf(sql`SELECT 1`);
  if (!Array.isArray(adapter?.connections) || !Array.isArray(adapter.queue)) {
    return undefined;
  }
  return () => {
    const state = { idle: 0, used: 0, pending: adapter.queue.length };
    for (const connection of adapter.connections) {
      if (connection?.state !== CONNECTED) {
        continue;
      }
      if (connection.queryCount === 0 && (connection.flags & RESERVED) === 0) {
        state.idle += 1;
      } else {
        state.used += 1;
        state.pending += Math.max(0, connection.queryCount - 1);
      }
    }
    return state;
  };
}

/** The text Bun sends for `query` (with $1, $2... where the values go), without running it. */
export function statementOfQuery(query: SQL.Query<unknown>): string | undefined {
  const adapter = adapterOf(query);
  const strings = symbolValue(query, "strings");
  if (typeof adapter?.normalizeQuery !== "function" || strings === undefined) {
    return undefined;
  }
  try {
    const [text] = adapter.normalizeQuery(strings, symbolValue(query, "values") ?? []);
    return typeof text === "string" ? text : undefined;
  } catch {
    return undefined;
  }
}

function adapterOf(query: object): Adapter | undefined {
  return symbolValue(query, "adapter") as Adapter | undefined;
}

function symbolValue(target: object, description: string): unknown {
  const key = Object.getOwnPropertySymbols(target).find((s) => s.description === description);
  return key === undefined ? undefined : (target as Record<symbol, unknown>)[key];
}
