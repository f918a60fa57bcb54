import { boundedLru } from "./bounded-lru.ts";
import type { RateLimitDecision, RateLimiter, RateLimitPolicy } from "./rate-limiter.ts";

export interface MemoryRateLimiterOptions {
  name: string;
  /** Hits per window and key; an idle key may spend all of them at once. */
  limit: number;
  windowSeconds: number;
  /** Keys remembered at most; past it the least recently seen is forgotten. */
  maxKeys?: number;
  /** Milliseconds, never going back. Injected so tests can move time. */
  now?: () => number;
}

// Full, 100,000 keys held 14-21 MB of heap (the Map behind the LRU keeps room for deleted keys),
// however many more were seen (bench/investigations/rate-limit); a forgotten key loses nothing
// but its count, so it only gets its quota back.
const DEFAULT_MAX_KEYS = 100_000;
const POLICY_NAME = /^[a-z]+$/;

// A wall clock stepped back (NTP) would hold every key's quota for as long: this one is monotonic.
const monotonicMs = (): number => performance.now();

/**
 * A per-key limit with a bounded memory and constant work per hit, whatever the number of keys.
 *
 * The algorithm is GCRA (the generic cell rate algorithm, also redis-cell's): each hit is due
 * `interval` = window / limit after the previous one, and a key keeps a single number, the time
 * its next hit is due at the steady rate (its "theoretical arrival time", TAT). A hit is allowed
 * while the TAT is at most `(limit - 1) * interval` ahead of now: an idle key has its whole quota,
 * then it refills one hit per interval, so quotas never reset for every key at one instant the
 * way fixed windows do. A key whose TAT has passed is the same as a key never seen, so the store
 * may forget any key at any time without refusing anyone: it is an LRU of `maxKeys` entries
 * (lru-cache: O(1) get, set and eviction), never swept.
 */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions): RateLimiter {
  const { limit, windowSeconds } = options;
  if (!POLICY_NAME.test(options.name) || !(limit >= 1) || !(windowSeconds >= 1)) {
    throw new RangeError("rate limiter: a lowercase name, limit >= 1 and windowSeconds >= 1");
  }
  const now = options.now ?? monotonicMs;
  const policy = policyOf(options);
  const steps = gcraSteps(policy);
  const dueAt = boundedLru<string, number>(options.maxKeys ?? DEFAULT_MAX_KEYS);

  const decide = (key: string): RateLimitDecision => {
    const time = Math.floor(now() * 1000);
    const due = Math.max(dueAt.get(key) ?? time, time);
    const decision = gcraDecision(due - time, steps);
    if (decision.allowed) {
      dueAt.set(key, due + steps.interval);
    }
    return decision;
  };
  return { policy, hit: (key) => Promise.resolve(decide(key)) };
}

function policyOf(options: MemoryRateLimiterOptions): RateLimitPolicy {
  return { name: options.name, limit: options.limit, windowSeconds: options.windowSeconds };
}

/** GCRA's two numbers for a policy, in microseconds. */
export interface GcraSteps {
  /** Between two hits at the steady rate. */
  interval: number;
  /** How far ahead of now a key's next due time may be and a hit still pass. */
  tolerance: number;
}

export function gcraSteps({ limit, windowSeconds }: RateLimitPolicy): GcraSteps {
  // In whole microseconds the arithmetic is exact (a float sum of window / limit could refuse the
  // limit-th hit of a burst); rounding the interval moves the rate by < 0.5 µs a hit.
  const interval = Math.max(1, Math.round((windowSeconds * 1_000_000) / limit));
  return { interval, tolerance: (limit - 1) * interval };
}

/**
 * What a hit is told when the key's next hit was due `ahead` µs from now (0 when idle); the
 * same for the memory store and the shared one (rate-limit-shared.ts).
 */
export function gcraDecision(ahead: number, { interval, tolerance }: GcraSteps): RateLimitDecision {
  if (ahead > tolerance) {
    return { allowed: false, remaining: 0, resetSeconds: seconds(ahead - tolerance) };
  }
  return {
    allowed: true,
    remaining: Math.floor((tolerance - ahead) / interval),
    resetSeconds: seconds(ahead + interval),
  };
}

/** Whole seconds, rounded up: a client that waits this long is not early. */
function seconds(microseconds: number): number {
  return Math.max(1, Math.ceil(microseconds / 1_000_000));
}
