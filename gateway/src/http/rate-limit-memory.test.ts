import { expect, test } from "bun:test";
import fc from "fast-check";
import { setRateLimitHeaders } from "./rate-limit-headers.ts";
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

// Pure CPU, tens of thousands of hits: 0.3-2 s on an idle machine, over 6 s seen while other
// suites loaded both cores, where the default 5 s timeout failed a correct limiter.
const PROPERTY_TIMEOUT_MS = 60_000;

test(
  "property: an idle key gets exactly `limit` hits at once, then one more after Retry-After",
  async () => {
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
  },
  PROPERTY_TIMEOUT_MS,
);

test(
  "property: over any run of hits, a key gets at most `limit` plus what the elapsed time refilled",
  async () => {
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
  },
  PROPERTY_TIMEOUT_MS,
);

// The window's boundary, to the microsecond the limiter counts in: after an idle key's burst of
// `limit` hits at once, the next hit is due one interval (window / limit) later; a burst of the
// whole quota is due one window later.

/** A limiter on a clock the test sets in whole microseconds, the limiter's resolution. */
function limiterAtMicros(options: { limit: number; windowSeconds: number }) {
  const clock = { us: 1_000_000_000_000 };
  // The limiter floors now() * 1000: asking in the middle of each microsecond keeps a float's
  // rounding (1.001 * 1000 is 1000.9999999999999) from landing on the one before.
  const now = (): number => (clock.us + 0.5) / 1000;
  return { limiter: createMemoryRateLimiter({ name: "test", now, ...options }), clock };
}

interface Answer {
  allowed: boolean;
  ratelimit: string | number | undefined;
  retryAfter: string | number | undefined;
}

/** The decision as the client sees it: RateLimit, and Retry-After when refused. */
function answered(limiter: RateLimiter, decision: RateLimitDecision): Answer {
  const headers: Record<string, string | number> = {};
  setRateLimitHeaders(headers, limiter.policy, decision);
  return {
    allowed: decision.allowed,
    ratelimit: headers.ratelimit,
    retryAfter: headers["retry-after"],
  };
}

const allowed = (r: number, t: number): Answer => ({
  allowed: true,
  ratelimit: `"test";r=${r};t=${t}`,
  retryAfter: undefined,
});
const refused = (retryAfter: number): Answer => ({
  allowed: false,
  ratelimit: `"test";r=0;t=${retryAfter}`,
  retryAfter: String(retryAfter),
});

const SECOND = 1_000_000; // µs

test.each([
  {
    name: "right after the burst: refused until the next interval, 20 s",
    limit: 3,
    windowSeconds: 60,
    waitUs: 0,
    hits: 1,
    want: [refused(20)],
  },
  {
    name: "one microsecond before the next hit is due: refused, Retry-After 1",
    limit: 3,
    windowSeconds: 60,
    waitUs: 20 * SECOND - 1,
    hits: 1,
    want: [refused(1)],
  },
  {
    name: "exactly when the next hit is due: allowed, and only that one",
    limit: 3,
    windowSeconds: 60,
    waitUs: 20 * SECOND,
    hits: 2,
    want: [allowed(0, 60), refused(20)],
  },
  {
    name: "a full window after the burst: the whole quota again",
    limit: 3,
    windowSeconds: 60,
    waitUs: 60 * SECOND,
    hits: 4,
    want: [allowed(2, 20), allowed(1, 40), allowed(0, 60), refused(20)],
  },
  {
    name: "one microsecond short of a full window: one hit short of the quota",
    limit: 3,
    windowSeconds: 60,
    waitUs: 60 * SECOND - 1,
    hits: 3,
    want: [allowed(1, 21), allowed(0, 41), refused(1)],
  },
  {
    name: "a limit of one: one microsecond early is refused",
    limit: 1,
    windowSeconds: 1,
    waitUs: SECOND - 1,
    hits: 1,
    want: [refused(1)],
  },
  {
    name: "a limit of one: on time is allowed",
    limit: 1,
    windowSeconds: 1,
    waitUs: SECOND,
    hits: 2,
    want: [allowed(0, 1), refused(1)],
  },
])(
  "after an idle key's burst, $name",
  async ({ limit, windowSeconds, waitUs, hits: count, want }) => {
    const { limiter, clock } = limiterAtMicros({ limit, windowSeconds });
    const burst = await hits(limiter, "k", limit);
    clock.us += waitUs;
    const after = await hits(limiter, "k", count);

    expect(burst.every((decision) => decision.allowed)).toBe(true);
    expect(after.map((decision) => answered(limiter, decision))).toEqual([...want]);
  },
);

/** A limit that divides its window into whole microseconds, so every due time is exact. */
const exactPolicy = fc.integer({ min: 1, max: 86_400 }).chain((windowSeconds) =>
  fc.record({
    windowSeconds: fc.constant(windowSeconds),
    limit: fc.constantFrom(
      ...Array.from({ length: 500 }, (_, i) => i + 1).filter(
        (limit) => (windowSeconds * SECOND) % limit === 0,
      ),
    ),
  }),
);

test(
  "property: the next hit is refused one microsecond early and allowed on time; a full window restores the quota",
  async () => {
    await fc.assert(
      fc.asyncProperty(exactPolicy, async ({ limit, windowSeconds }) => {
        const intervalUs = (windowSeconds * SECOND) / limit;
        const early = limiterAtMicros({ limit, windowSeconds });
        await hits(early.limiter, "k", limit);
        early.clock.us += intervalUs - 1;
        const tooEarly = await early.limiter.hit("k");
        early.clock.us += 1;
        const onTime = await early.limiter.hit("k");

        const again = limiterAtMicros({ limit, windowSeconds });
        await hits(again.limiter, "k", limit);
        again.clock.us += windowSeconds * SECOND;
        const refilled = await hits(again.limiter, "k", limit + 1);

        const short = limiterAtMicros({ limit, windowSeconds });
        await hits(short.limiter, "k", limit);
        short.clock.us += windowSeconds * SECOND - 1;
        const shortBurst = await hits(short.limiter, "k", limit);

        expect(answered(early.limiter, tooEarly)).toEqual(refused(1));
        expect(answered(early.limiter, onTime)).toEqual(allowed(0, windowSeconds));
        expect(refilled.map((decision) => decision.allowed)).toEqual([
          ...Array.from({ length: limit }, () => true),
          false,
        ]);
        expect(shortBurst.filter((decision) => decision.allowed)).toHaveLength(limit - 1);
      }),
      { numRuns: 100 },
    );
  },
  PROPERTY_TIMEOUT_MS,
);
