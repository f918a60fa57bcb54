/**
 * Runs `stop` once on the first SIGTERM or SIGINT. A signal more than a second later exits at
 * once, for the impatient Ctrl-C; sooner ones are echoes (a terminal and a supervisor both
 * signalling) and are ignored.
 */
export function onShutdownSignal(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let firstAt: number | undefined;
  const handle = (signal: NodeJS.Signals): void => {
    if (firstAt !== undefined) {
      if (performance.now() - firstAt > 1_000) {
        process.exit(130);
      }
      return;
    }
    firstAt = performance.now();
    void stop(signal);
  };
  process.on("SIGTERM", handle);
  process.on("SIGINT", handle);
}
