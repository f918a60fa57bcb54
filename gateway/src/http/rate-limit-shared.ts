import type { Redis } from "ioredis";
import { type GcraSteps, gcraDecision, gcraSteps } from "./rate-limit-memory.ts";
import type { RateLimitDecision, RateLimiter } from "./rate-limiter.ts";

/** The commands the shared limiter sends, and whether it may send them now. */
export type RateLimitStore = Pick<Redis, "evalsha" | "eval" | "status">;

// GCRA as rate-limit-memory.ts runs it, in one atomic script: KEYS[1] holds the key's next due
// time in µs of Redis's own clock (TIME), so the replicas' clocks never meet. Answers
// {allowed 0/1, ahead µs}; the key expires when its quota is whole again.
const GCRA_SCRIPT = `
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local time = redis.call("TIME")
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local due = tonumber(redis.call("GET", KEYS[1]) or now)
if due < now then due = now end
local ahead = due - now
if ahead > tolerance then return {0, ahead} end
local nextDue = due + interval
redis.call("SET", KEYS[1], string.format("%.0f", nextDue), "PX", math.ceil((nextDue - now) / 1000))
return {1, ahead}
`;
const GCRA_SHA1 = new Bun.CryptoHasher("sha1").update(GCRA_SCRIPT).digest("hex");

/**
 * One policy counted in Redis across every gateway replica, so that N replicas admit the quota
 * once, not N times. `local` (the per-process limiter) counts every hit too and answers whenever
 * Redis does not: down, or slower than its 250 ms command timeout. A lost Redis thus loosens the
 * limit to one quota per replica, as with no shared state, and never refuses or delays a request.
 */
export function createSharedRateLimiter(store: RateLimitStore, local: RateLimiter): RateLimiter {
  const { policy } = local;
  const steps = gcraSteps(policy);
  const args = [steps.interval, steps.tolerance] as const;
  const run = async (key: string): Promise<unknown> => {
    try {
      return await store.evalsha(GCRA_SHA1, 1, key, ...args);
    } catch (error) {
      // The first use on this Redis (or after a restart or SCRIPT FLUSH) loads the script.
      if (error instanceof Error && error.message.startsWith("NOSCRIPT")) {
        return store.eval(GCRA_SCRIPT, 1, key, ...args);
      }
      throw error;
    }
  };
  return {
    policy,
    async hit(key) {
      const fallback = local.hit(key);
      if (store.status !== "ready") {
        return fallback;
      }
      try {
        return toDecision(await run(`trellis:rate:${policy.name}:${key}`), steps) ?? fallback;
      } catch {
        return fallback;
      }
    },
  };
}

function toDecision(reply: unknown, steps: GcraSteps): RateLimitDecision | null {
  if (!Array.isArray(reply) || typeof reply[1] !== "number") {
    return null;
  }
  // The script decided by the same rule: `ahead` alone says what it decided.
  return gcraDecision(reply[1], steps);
}
