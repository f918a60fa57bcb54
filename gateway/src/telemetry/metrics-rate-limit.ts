import type { RateLimitDecision, RateLimiter } from "../http/rate-limiter.ts";
import type { GatewayMetrics } from "./metrics.ts";

/**
 * `limiter`, counting each refused hit into trellis.rate_limit.refusals under its policy's name.
 * A wrapper rather than a line in each store, so that every store (in memory, or shared by
 * replicas) is counted the same way; with metrics off it is `limiter` itself.
 */
export function countRefusals(limiter: RateLimiter, metrics: GatewayMetrics | null): RateLimiter {
  if (metrics === null) {
    return limiter;
  }
  const { policy } = limiter;
  // One callback for every hit: a hit allocates no closure of its own.
  const count = (decision: RateLimitDecision): RateLimitDecision => {
    if (!decision.allowed) {
      metrics.refused(policy.name);
    }
    return decision;
  };
  return { policy, hit: (key) => limiter.hit(key).then(count) };
}
