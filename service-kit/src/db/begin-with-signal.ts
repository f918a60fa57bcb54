import { traceReserved } from "../telemetry/sql-span.ts";
import type { Sql, TransactionSql } from "./pool.ts";

/**
 * `sql.begin(work)` bounded by `signal`, as withSignal bounds one query. A transaction still
 * waiting for a pool connection stops waiting when the signal aborts: the promise rejects with the
 * signal's reason at once, and the wait leaves the pool's queue (the connection is reserved with
 * the signal), so a call that gave up never takes a connection, not even for a BEGIN and a
 * ROLLBACK, ahead of the calls still waiting. A running transaction is rolled back: its queries
 * run through withSignal are cancelled, and it never commits after the signal aborted, since the
 * caller was already told the call failed.
 */
export async function beginWithSignal<T>(
  sql: Sql,
  signal: AbortSignal,
  work: (tx: TransactionSql) => Promise<T>,
): Promise<T> {
  signal.throwIfAborted();
  const reserved = await sql.reserve({ signal });
  traceReserved(sql, reserved);
  try {
    return (await reserved.begin(async (tx) => {
      signal.throwIfAborted();
      const result = await work(tx);
      signal.throwIfAborted();
      return result;
    })) as T;
  } catch (error) {
    throw signal.aborted ? signal.reason : error;
  } finally {
    await reserved.release();
  }
}
