import { LRUCache } from "lru-cache";

/**
 * An LRU of at most `maxEntries` entries whose memory follows what it holds.
 *
 * lru-cache's `max` allocates its key, value and link arrays for every entry up front: the
 * gateway's three rate limiters of 100,000 keys each held 8.5 MB of heap and 15 MB of RSS
 * from start, for a few hundred clients. Counting each entry as size 1 against `maxSize`
 * bounds the number of entries the same way, with arrays that grow as keys arrive (0.06 MB
 * empty). What it costs: ~10 ns per hit, and a full cache holds 8.5 MB instead of 6
 * (bench/investigations/memory, "Preallocated caches").
 */
export function boundedLru<K extends {}, V extends {}>(
  maxEntries: number,
  options: Pick<LRUCache.Options<K, V, unknown>, "dispose"> = {},
): LRUCache<K, V> {
  return new LRUCache<K, V>({ ...options, maxSize: maxEntries, sizeCalculation: entrySize });
}

const entrySize = (): number => 1;
