import type { Logger } from "@trellis/service-kit";

/**
 * A bound on the calls in flight to one upstream service. Past it the gateway answers 503 with
 * Retry-After at once instead of queueing: a queued call only waits out its deadline behind the
 * ones the service is already too slow for, and every caller then gets a 504 instead of most
 * getting their answer. The hot path is one comparison and one increment.
 */
export interface InFlightLimit {
  /** Takes a slot, or counts a shed call and answers false: the call must not be made. */
  tryEnter(): boolean;
  /** Gives back the slot of an entered call, whatever its outcome. */
  leave(): void;
  inFlight(): number;
  /** Calls refused since start. */
  shed(): number;
}

export function createInFlightLimit(max: number, onShed: (shed: number) => void): InFlightLimit {
  let inFlight = 0;
  let shed = 0;
  return {
    tryEnter() {
      if (inFlight >= max) {
        shed += 1;
        onShed(shed);
        return false;
      }
      inFlight += 1;
      return true;
    },
    leave() {
      inFlight -= 1;
    },
    inFlight: () => inFlight,
    shed: () => shed,
  };
}

/**
 * Logs shedding at most once per `everyMs` per service, with the count since the last line: an
 * overload sheds thousands of calls a second, and a line each would make the log the next
 * bottleneck.
 */
export function shedLog(
  log: Pick<Logger, "warn">,
  service: string,
  options: { max: number; everyMs: number; now?: () => number },
): (shed: number) => void {
  const now = options.now ?? Date.now;
  let loggedAt = Number.NEGATIVE_INFINITY;
  let loggedCount = 0;
  return (shed) => {
    const at = now();
    if (at - loggedAt < options.everyMs) {
      return;
    }
    log.warn(
      { service, shed: shed - loggedCount, shed_total: shed, max_in_flight: options.max },
      "shedding calls to a busy service (UPSTREAM_MAX_IN_FLIGHT)",
    );
    loggedAt = at;
    loggedCount = shed;
  };
}
