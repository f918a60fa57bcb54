import type { Logger } from "@trellis/service-kit";
import { serviceBusy } from "../errors.ts";

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

/** At most one log line per service this often while it sheds. */
const SHED_LOG_EVERY_MS = 10_000;

/** The bound of each upstream service, by its full name: identity and every REST service. */
export interface UpstreamLimits {
  /** The one limit of `service`, made on first use: every caller of a service shares it. */
  of(service: string): InFlightLimit;
}

/**
 * One InFlightLimit of `max` calls (UPSTREAM_MAX_IN_FLIGHT) per upstream service, its shedding
 * logged by service name. One table for the gateway, so that the calls of its own routes and of
 * the REST routes to one service share one bound.
 */
export function upstreamLimits(max: number, log: Pick<Logger, "warn">): UpstreamLimits {
  const limits = new Map<string, InFlightLimit>();
  return {
    of(service) {
      let limit = limits.get(service);
      if (limit === undefined) {
        limit = createInFlightLimit(
          max,
          shedLog(log, service, { max, everyMs: SHED_LOG_EVERY_MS }),
        );
        limits.set(service, limit);
      }
      return limit;
    },
  };
}

/**
 * Makes `call` in a slot of `limit`, giving the slot back however it ends; with no slot free,
 * throws serviceBusy (503 + Retry-After) without making it.
 */
export async function callWithin<T>(limit: InFlightLimit, call: () => Promise<T>): Promise<T> {
  if (!limit.tryEnter()) {
    throw serviceBusy();
  }
  try {
    return await call();
  } finally {
    limit.leave();
  }
}
