import type { Logger } from "../log.ts";

/**
 * Logs an unhandled promise rejection or an uncaught exception as one fatal JSON line, then
 * exits 1. After either, the process is in a state no code planned for (a half-done write, a
 * stream left open); the orchestrator's restart is safer than serving on. Without these
 * handlers the runtime prints its own text to stderr, outside the JSON log the platform
 * collects, and whether it exits depends on the runtime's flags. Installed once the logger
 * exists: a failure before that still ends the process with the runtime's own report.
 */
export function exitOnCrash(log: Logger, exit: (code: number) => void = process.exit): void {
  process.on("unhandledRejection", (reason) => {
    log.fatal({ err: reason }, "unhandled rejection; exiting");
    exit(1);
  });
  process.on("uncaughtException", (error) => {
    log.fatal({ err: error }, "uncaught exception; exiting");
    exit(1);
  });
}
