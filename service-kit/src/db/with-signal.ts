import type postgres from "postgres";
import {
  endQuerySpan,
  startQuerySpan,
  statementOfError,
  statementOfResult,
} from "../telemetry/sql-span.ts";

/**
 * Runs `query` until `signal` aborts, then cancels it: a query still waiting for a pool
 * connection leaves the queue, a running one gets a Postgres cancel request. Rejects with the
 * signal's reason, so an expired call reports DEADLINE_EXCEEDED rather than a SQL error.
 * Each query is a CLIENT span (statement text with $n placeholders, never the values).
 */
export async function withSignal<Rows extends readonly postgres.MaybeRow[]>(
  query: postgres.PendingQuery<Rows>,
  signal: AbortSignal,
): Promise<postgres.RowList<Rows>> {
  signal.throwIfAborted();
  const span = startQuerySpan();
  const cancel = (): void => {
    Promise.resolve(query.cancel()).catch(() => {
      // The cancel request is best effort: the server may have finished the query meanwhile.
    });
  };
  signal.addEventListener("abort", cancel, { once: true });
  try {
    const rows = await query;
    endQuerySpan(span, statementOfResult(rows));
    return rows;
  } catch (error) {
    endQuerySpan(span, statementOfError(error), error);
    signal.throwIfAborted();
    throw error;
  } finally {
    signal.removeEventListener("abort", cancel);
  }
}
