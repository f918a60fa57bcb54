import { expect, test } from "bun:test";
import fc from "fast-check";
import { createMemoryRateLimiter } from "./rate-limit-memory.ts";
import type { RateLimitDecision, RateLimiter } from "./rate-limiter.ts";

/** A limiter on a clock the test moves (milliseconds). */
function limiterAt(options: { limit: number; windowSeconds: number; maxKeys?: number }) {
  const clock = { now: 1_000_000 };
  const limiter = createMemoryRateLimiter({ name: "test", now: () => clock.now, ...options });
  return { limiter, clock };
}

async function hits(
  limiter: RateLimiter,
  key: string,
  count: number,
): Promise<RateLimitDecision[]> {
  const decisions: RateLimitDecision[] = [];
  for (let hit = 0; hit < count; hit++) {
    decisions.push(await limiter.hit(key));
  }
  return decisions;
}

test("allows `limit` hits at once per key, then says how long to wait for the next", async () => {
  const { limiter, clock } = limiterAt({ limit: 3, windowSeconds: 60 });

  const burst = await hits(limiter, "a", 4);
  const otherKey = await limiter.hit("b");
  clock.now += 19_999;
  const early = await limiter.hit("a");
  clock.now += 1;
  const refilled = await hits(limiter, "a", 2);

  expect(burst).toEqual([
    { allowed: true, remaining: 2, resetSeconds: 20 },
    { allowed: true, remaining: 1, resetSeconds: 40 },
    { allowed: true, remaining: 0, resetSeconds: 60 },
    { allowed: false, remaining: 0, resetSeconds: 20 },
  ]);
  expect(otherKey).toEqual({ allowed: true, remaining: 2, resetSeconds: 20 });
  expect(early).toEqual({ allowed: false, remaining: 0, resetSeconds: 1 });
  expect(refilled.map((decision) => decision.allowed)).toEqual([true, false]);
});

test("refused hits are not counted: a client that waits as told gets through", async () => {
  const { limiter, clock } = limiterAt({ limit: 1, windowSeconds: 10 });

  await limiter.hit("a");
  const refused = await hits(limiter, "a", 100);
  clock.now += (refused.at(-1)?.resetSeconds ?? 0) * 1000;

  expect((await limiter.hit("a")).allowed).toBe(true);
});

test("past maxKeys the least recently seen key is forgotten, which only restores its quota", async () => {
  const { limiter } = limiterAt({ limit: 1, windowSeconds: 60, maxKeys: 2 });

  await hits(limiter, "a", 1);
  await hits(limiter, "b", 1);
  const aStillLimited = await limiter.hit("a"); // a is now the most recently seen
  await limiter.hit("c"); // evicts b
  const bForgotten = await limiter.hit("b"); // evicts a
  const aForgotten = await limiter.hit("a");

  expect([aStillLimited.allowed, bForgotten.allowed, aForgotten.allowed]).toEqual([
    false,
    true,
    true,
  ]);
});

test("the policy is what RateLimit-Policy states", () => {
  const { limiter } = limiterAt({ limit: 30, windowSeconds: 60 });
  expect(limiter.policy).toEqual({ name: "test", limit: 30, windowSeconds: 60 });
});

test.each([
  { name: "a name with a quote", options: { name: 'a"b', limit: 1, windowSeconds: 1 } },
  { name: "a zero limit", options: { name: "a", limit: 0, windowSeconds: 1 } },
  { name: "a zero window", options: { name: "a", limit: 1, windowSeconds: 0 } },
])("refuses $name", ({ options }) => {
  expect(() => createMemoryRateLimiter(options)).toThrow(RangeError);
});

test("property: an idle key gets exactly `limit` hits at once, then one more after Retry-After", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 500 }),
      fc.integer({ min: 1, max: 86_400 }),
      async (limit, windowSeconds) => {
        const { limiter, clock } = limiterAt({ limit, windowSeconds });

        const burst = await hits(limiter, "k", limit + 1);
        const refusal = burst.at(-1);
        clock.now += (refusal?.resetSeconds ?? 0) * 1000;
        const afterWaiting = await limiter.hit("k");

        expect(burst.filter((decision) => decision.allowed).length).toBe(limit);
        expect(burst.map((decision) => decision.remaining).slice(0, limit)).toEqual(
          Array.from({ length: limit }, (_, index) => limit - 1 - index),
        );
        expect(refusal?.allowed).toBe(false);
        expect(afterWaiting.allowed).toBe(true);
      },
    ),
    { numRuns: 200 },
  );
});

test("property: over any run of hits, a key gets at most `limit` plus what the elapsed time refilled", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 50 }),
      fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 300 }),
      async (limit, gapsMs) => {
        const windowSeconds = 10;
        const { limiter, clock } = limiterAt({ limit, windowSeconds });
        const start = clock.now;

        let allowed = 0;
        for (const gap of gapsMs) {
          clock.now += gap;
          allowed += (await limiter.hit("k")).allowed ? 1 : 0;
        }

        // The interval is a whole number of microseconds: up to 0.5 µs shorter than exact.
        const intervalUs = (windowSeconds * 1_000_000) / limit - 0.5;
        const refilled = Math.floor(((clock.now - start) * 1000) / intervalUs);
        expect(allowed).toBeLessThanOrEqual(limit + refilled);
      },
    ),
    { numRuns: 200 },
  );
});
