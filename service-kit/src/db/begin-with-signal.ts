import type { Sql, TransactionSql } from "./pool.ts";

/**
 * `sql.begin(work)` bounded by `signal`, as withSignal bounds one query. A transaction still
 * waiting for a pool connection stops waiting when the signal aborts: the promise rejects with the
 * signal's reason at once. Bun's client gives no handle on a queued BEGIN to take it out of the
 * queue, so once it gets a connection it rolls back without running `work`. A running transaction
 * is rolled back: its queries run through withSignal are cancelled, and it never commits after
 * the signal aborted, since the caller was already told the call failed.
 */
export function beginWithSignal<T>(
  sql: Sql,
  signal: AbortSignal,
  work: (tx: TransactionSql) => Promise<T>,
): Promise<T> {
  signal.throwIfAborted();
  let started = false;
  const transaction = sql.begin(async (tx) => {
    signal.throwIfAborted();
    started = true;
    const result = await work(tx);
    signal.throwIfAborted();
    return result;
  }) as Promise<T>;
  return new Promise<T>((resolve, reject) => {
    const stopWaiting = (): void => {
      if (!started) {
        reject(signal.reason);
      }
    };
    signal.addEventListener("abort", stopWaiting, { once: true });
    transaction
      .then(resolve, (error: unknown) => reject(signal.aborted ? signal.reason : error))
      .finally(() => signal.removeEventListener("abort", stopWaiting));
  });
}
