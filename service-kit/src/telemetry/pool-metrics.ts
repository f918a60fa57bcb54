import type { Meter } from "@opentelemetry/api";
import type { SQL } from "bun";
import { poolStateReader } from "../db/bun-sql-internals.ts";

// The pool's state per the database client semantic conventions (still "development" there, in
// semantic-conventions 1.45): db.client.connection.count by db.client.connection.state (used,
// idle) and db.client.connection.pending_requests, both for db.client.connection.pool.name.
// Observed when the reader collects (once per export interval), so queries pay nothing for it.
// The names are copied from the incubating part of the package, as its docs advise.

const METRIC_DB_CLIENT_CONNECTION_COUNT = "db.client.connection.count";
const METRIC_DB_CLIENT_CONNECTION_PENDING_REQUESTS = "db.client.connection.pending_requests";
const ATTR_POOL_NAME = "db.client.connection.pool.name";
const ATTR_STATE = "db.client.connection.state";

/** Reports the pool's connections and waiting queries under `poolName`. */
export function observePool(sql: SQL, meter: Meter, poolName: string): void {
  const stateOf = poolStateReader(sql);
  if (stateOf === undefined) {
    // A Bun whose pool looks different: nothing to read, rather than numbers that lie.
    return;
  }
  const used = { [ATTR_POOL_NAME]: poolName, [ATTR_STATE]: "used" };
  const idle = { [ATTR_POOL_NAME]: poolName, [ATTR_STATE]: "idle" };
  const pool = { [ATTR_POOL_NAME]: poolName };
  meter
    .createObservableUpDownCounter(METRIC_DB_CLIENT_CONNECTION_COUNT, {
      description: "Connections of the pool, by state.",
      unit: "{connection}",
    })
    .addCallback((result) => {
      const state = stateOf();
      result.observe(state.used, used);
      result.observe(state.idle, idle);
    });
  meter
    .createObservableUpDownCounter(METRIC_DB_CLIENT_CONNECTION_PENDING_REQUESTS, {
      description: "Queries waiting for a connection of the pool.",
      unit: "{request}",
    })
    .addCallback((result) => result.observe(stateOf().pending, pool));
}
