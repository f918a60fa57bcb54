import type { SQL } from "bun";
import { endQuerySpan, startQuerySpan, statementOfResult } from "../telemetry/sql-span.ts";
import { statementOfQuery } from "./bun-sql-internals.ts";

/**
 * Runs `query` until `signal` aborts, then cancels it: a query not sent yet never runs, a
 * running one gets a Postgres cancel request. Rejects with the signal's reason, so an expired
 * call reports DEADLINE_EXCEEDED rather than a SQL error. A query the pool had already pipelined
 * behind another one may still run on the server (Bun says so in the error's hint): as with any
 * call that times out, a write's outcome is then unknown, which is what Idempotency-Key is for.
 * Each query is a CLIENT span (statement text with $n placeholders, never the values).
 */
export async function withSignal<Result>(
  query: SQL.Query<Result>,
  signal: AbortSignal,
): Promise<Result & SQL.ResultMetadata> {
  signal.throwIfAborted();
  const span = startQuerySpan();
  const cancel = (): void => {
    query.cancel();
  };
  signal.addEventListener("abort", cancel, { once: true });
  try {
    const rows = await query;
    endQuerySpan(span, statementOfResult(rows));
    return rows;
  } catch (error) {
    endQuerySpan(span, statementOfQuery(query), error);
    signal.throwIfAborted();
    throw error;
  } finally {
    signal.removeEventListener("abort", cancel);
  }
}
