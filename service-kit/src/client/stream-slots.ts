import { status } from "../wire/status.ts";
import { CallError } from "./call-error.ts";

/**
 * At most `limit` calls at a time on one connection. A call that finds them all taken waits its
 * turn (first come, first served) until its deadline passes or its signal aborts.
 */
export class StreamSlots {
  #free: number;
  // A Set keeps insertion order (the queue) and forgets a waiter that gave up in O(1).
  readonly #waiting = new Set<() => void>();

  constructor(readonly limit: number) {
    this.#free = limit;
  }

  /** Takes a slot when one is free; false when the call has to wait for one. */
  tryTake(): boolean {
    if (this.#free === 0) {
      return false;
    }
    this.#free--;
    return true;
  }

  /** Waits for a slot: null once it is the call's, or why the call ended first. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<CallError | null> {
    return new Promise((resolve) => {
      if (signal?.aborted) {
        resolve(new CallError(status.CANCELLED, "Cancelled on client"));
        return;
      }
      const end = (result: CallError | null): void => {
        this.#waiting.delete(grant);
        clearTimeout(timer);
        signal?.removeEventListener("abort", cancel);
        resolve(result);
      };
      const grant = (): void => end(null);
      const cancel = (): void => end(new CallError(status.CANCELLED, "Cancelled on client"));
      const timer = setTimeout(
        () =>
          end(
            new CallError(
              status.DEADLINE_EXCEEDED,
              `Deadline of ${timeoutMs} ms exceeded while waiting for one of ${this.limit} streams`,
            ),
          ),
        timeoutMs,
      );
      this.#waiting.add(grant);
      signal?.addEventListener("abort", cancel, { once: true });
    });
  }

  /** Gives a slot back: to the longest-waiting call, or to the pool. */
  release(): void {
    const next = this.#waiting.values().next();
    if (next.done) {
      this.#free++;
    } else {
      next.value();
    }
  }
}
