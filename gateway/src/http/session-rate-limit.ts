import { tooManyRequests } from "../errors.ts";
import { setRateLimitHeaders } from "./rate-limit-headers.ts";
import type { RateLimiter } from "./rate-limiter.ts";

/** What a route's context holds once its session guard has passed. */
interface SignedInContext {
  sessionToken: string;
  set: { headers: Record<string, string | number> };
}

/**
 * The per-session limit on /api, as an `onBeforeHandle` hook placed after the session guard:
 * only a session identity accepted reaches it, so a junk cookie spends nobody's quota and adds
 * no key. Answers 429 with Retry-After over the limit; every answer carries the RateLimit fields.
 */
export function limitPerSession(limiter: RateLimiter) {
  return async ({ sessionToken, set }: SignedInContext): Promise<void> => {
    const decision = await limiter.hit(sessionIdOf(sessionToken));
    setRateLimitHeaders(set.headers, limiter.policy, decision);
    if (!decision.allowed) {
      throw tooManyRequests("too many requests in this session; retry after Retry-After seconds");
    }
  };
}

/**
 * The session id, the public half of the token `<id>.<secret>`. The secret is never a key: keys
 * sit in memory, and a shared store (issue 23) would send them over the network. Identity
 * accepts no token without the dot; were one to get here, all such share a single key.
 */
export function sessionIdOf(token: string): string {
  const dot = token.indexOf(".");
  return dot > 0 ? token.slice(0, dot) : "malformed";
}
