/**
 * Runs `stop` once on the first SIGTERM or SIGINT. A second signal exits at once, for the
 * impatient Ctrl-C.
 */
export function onShutdownSignal(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.exit(130);
    }
    stopping = true;
    void stop(signal);
  };
  process.on("SIGTERM", handle);
  process.on("SIGINT", handle);
}
