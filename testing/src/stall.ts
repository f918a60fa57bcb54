/** How a stalled call ended: whether its signal fired, and how long it waited. */
export interface Stall {
  aborted: boolean;
  waitedMs: number;
}

/**
 * Waits `ms`, or until `signal` aborts: a stand-in for a slow query that honours the call's
 * deadline, so a test can see the deadline reach it.
 */
export async function stall(signal: AbortSignal, ms: number): Promise<Stall> {
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
  return { aborted: signal.aborted, waitedMs: performance.now() - started };
}
