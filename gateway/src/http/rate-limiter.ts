/** A quota as RateLimit-Policy states it: `limit` hits per `windowSeconds` for each key. */
export interface RateLimitPolicy {
  /** Names the policy in the RateLimit and RateLimit-Policy fields: lowercase letters only. */
  name: string;
  limit: number;
  windowSeconds: number;
}

/** What one hit was told. */
export interface RateLimitDecision {
  /** Refused hits are not counted: a client that waits as told gets through. */
  allowed: boolean;
  /** Hits the key may still make at once. */
  remaining: number;
  /**
   * Allowed: seconds until the key's whole quota is back. Refused: seconds until its next hit is
   * allowed (Retry-After).
   */
  resetSeconds: number;
}

/**
 * Counts hits per key against one policy. The gateway's store is in memory, one per process
 * (rate-limit-memory.ts); a store shared by replicas (issue 23) implements this same interface,
 * which is why a hit answers with a promise.
 */
export interface RateLimiter {
  readonly policy: RateLimitPolicy;
  hit(key: string): Promise<RateLimitDecision>;
}
