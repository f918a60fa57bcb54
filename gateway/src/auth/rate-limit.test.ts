import { expect, test } from "bun:test";
import { createRateLimiter } from "./rate-limit.ts";

test("allows `limit` hits per window and key, then says how long to wait", () => {
  let now = 1_000_000;
  const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, now: () => now });

  const first = [limiter.hit("a"), limiter.hit("a"), limiter.hit("a")];
  const fourth = limiter.hit("a");
  const otherKey = limiter.hit("b");
  now += 30_000;
  const later = limiter.hit("a");
  now += 30_001;
  const nextWindow = limiter.hit("a");

  expect(first).toEqual([null, null, null]);
  expect(fourth).toBe(60);
  expect(otherKey).toBeNull();
  expect(later).toBe(30);
  expect(nextWindow).toBeNull();
});
