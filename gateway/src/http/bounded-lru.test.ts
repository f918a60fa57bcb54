import { heapStats } from "bun:jsc";
import { describe, expect, test } from "bun:test";
import { boundedLru } from "./bounded-lru.ts";

describe("boundedLru", () => {
  test("keeps at most maxEntries, forgetting the least recently used first", () => {
    const cache = boundedLru<string, number>(3);
    for (const key of ["a", "b", "c"]) {
      cache.set(key, 1);
    }
    cache.get("a");
    cache.set("d", 1);
    expect([...cache.keys()].sort()).toEqual(["a", "c", "d"]);
    expect(cache.size).toBe(3);
  });

  test("tells dispose why an entry left", () => {
    const reasons: string[] = [];
    const cache = boundedLru<string, number>(1, {
      dispose: (_v, key, why) => reasons.push(`${key}:${why}`),
    });
    cache.set("a", 1);
    cache.set("b", 1);
    cache.delete("b");
    expect(reasons).toEqual(["a:evict", "b:delete"]);
  });

  test.each([1, 1_000, 100_000])("a bound of %i holds no more than that many keys", (max) => {
    const cache = boundedLru<number, number>(max);
    for (let key = 0; key < max * 2 + 5; key++) {
      cache.set(key, key);
    }
    expect(cache.size).toBe(max);
    expect(cache.has(max * 2 + 4)).toBe(true);
    expect(cache.has(0)).toBe(false);
  });

  // The point of it: a gateway with three 100,000-key limiters and a few hundred clients must
  // not hold memory for 300,000 keys (lru-cache's `max` preallocates 2.9 MB per cache).
  test("memory follows the entries held, not the bound", () => {
    const before = heap();
    const caches = [1, 2, 3].map(() => boundedLru<string, number>(100_000));
    for (const cache of caches) {
      for (let key = 0; key < 500; key++) {
        cache.set(`client-${key}`, key);
      }
    }
    const grown = heap() - before;
    expect(caches.every((cache) => cache.size === 500)).toBe(true);
    expect(grown).toBeLessThan(2_000_000);
  });
});

function heap(): number {
  Bun.gc(true);
  return heapStats().heapSize;
}
