import type { Logger } from "@trellis/service-kit";
import type { Deps } from "./deps.ts";

export interface SessionCleanup {
  /** Stops the schedule; a sweep already running finishes on its own. */
  stop(): void;
}

/**
 * Deletes expired sessions now and then every `everyMs`. Validation deletes an expired session
 * it sees; this catches the ones nobody presents again. The timer never keeps the process
 * alive, and a failed sweep is logged and retried at the next tick.
 */
export function startSessionCleanup(
  { sessions, now }: Pick<Deps, "sessions" | "now">,
  options: { everyMs: number; timeoutMs: number; log: Logger },
): SessionCleanup {
  let running = false;
  const sweep = async (): Promise<void> => {
    if (running) {
      return;
    }
    running = true;
    try {
      const deleted = await sessions.deleteExpired(now(), AbortSignal.timeout(options.timeoutMs));
      options.log.info({ deleted }, "expired sessions deleted");
    } catch (error) {
      options.log.error({ err: error }, "deleting expired sessions failed");
    } finally {
      running = false;
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), options.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
