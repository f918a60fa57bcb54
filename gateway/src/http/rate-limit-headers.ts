import type { RateLimitDecision, RateLimitPolicy } from "./rate-limiter.ts";

/**
 * The quota and what is left of it, in the form of draft-ietf-httpapi-ratelimit-headers-11
 * (Structured Field lists): `RateLimit-Policy: "auth";q=30;w=60` and
 * `RateLimit: "auth";r=29;t=2`, where `t` is the seconds until the whole quota is back. No `pk`:
 * the partition (an address, a session) is the client's own and says nothing it does not know.
 * A refused hit adds `Retry-After` with the seconds until its next hit is allowed, and then
 * `t` is that same number, as the draft asks (Retry-After no earlier than the window's end).
 */
export function setRateLimitHeaders(
  headers: Record<string, string | number>,
  policy: RateLimitPolicy,
  decision: RateLimitDecision,
): void {
  headers["ratelimit-policy"] = rateLimitPolicyField(policy);
  headers.ratelimit = `"${policy.name}";r=${decision.remaining};t=${decision.resetSeconds}`;
  if (!decision.allowed) {
    headers["retry-after"] = String(decision.resetSeconds);
  }
}

export function rateLimitPolicyField(policy: RateLimitPolicy): string {
  return `"${policy.name}";q=${policy.limit};w=${policy.windowSeconds}`;
}
