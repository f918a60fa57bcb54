// The gateway's limiter before issue 16 (gateway/src/auth/rate-limit.ts at e3ac81e), kept here
// unchanged but for this comment, to measure against: a fixed window per key in a Map, swept
// whole once it holds more than 100,000 keys.

/**
 * A fixed-window counter per key (client address). Kept in memory: the gateway is one process
 * per replica, so each replica limits on its own; Traefik's limit in deploy/ caps the total.
 */
export interface RateLimiter {
  /** Counts one hit; returns the seconds to wait when over the limit, else null. */
  hit(key: string): number | null;
}

export function createRateLimiter(options: {
  limit: number;
  windowMs: number;
  now?: () => number;
}): RateLimiter {
  const now = options.now ?? Date.now;
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    hit(key) {
      const time = now();
      let window = windows.get(key);
      if (window === undefined || window.resetAt <= time) {
        if (windows.size > 100_000) {
          sweep(windows, time);
        }
        window = { count: 0, resetAt: time + options.windowMs };
        windows.set(key, window);
      }
      window.count++;
      return window.count > options.limit ? Math.ceil((window.resetAt - time) / 1000) : null;
    },
  };
}

/** Drops expired windows, so a flood of distinct addresses cannot grow the map forever. */
function sweep(windows: Map<string, { resetAt: number }>, time: number): void {
  for (const [key, window] of windows) {
    if (window.resetAt <= time) {
      windows.delete(key);
    }
  }
}
