import type { Server } from "bun";
import { tooManyRequests } from "../errors.ts";
import { clientAddress } from "./client-address.ts";
import { clientKey } from "./client-key.ts";
import { setRateLimitHeaders } from "./rate-limit-headers.ts";
import type { RateLimiter } from "./rate-limiter.ts";

interface AddressedContext {
  request: Request;
  server: Pick<Server<unknown>, "requestIP"> | null;
  set: { headers: Record<string, string | number> };
}

/**
 * The per-address limit of routes that need no session (a PUBLIC RPC): with no session to key
 * on, the client's address (its /64 for IPv6) is the key, as on /auth. Answers 429 with
 * Retry-After over the limit; every answer carries the RateLimit fields.
 */
export function limitPerAddress(limiter: RateLimiter, trustProxy: boolean) {
  return async ({ request, server, set }: AddressedContext): Promise<void> => {
    const decision = await limiter.hit(clientKey(clientAddress(request, server, trustProxy)));
    setRateLimitHeaders(set.headers, limiter.policy, decision);
    if (!decision.allowed) {
      throw tooManyRequests("too many requests from this address; retry after Retry-After seconds");
    }
  };
}
