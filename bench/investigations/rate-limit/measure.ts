// One limiter in a fresh process, as a client rotating through addresses meets it: `keys`
// distinct keys hit once each (the fill), then 100,000 hits on keys it has just seen. Time is
// simulated at 10,000 hits a second (the fill of 200,000 keys spans 20 s, within one window), so
// the result does not depend on how fast this machine runs the fill. Prints JSON: heap and RSS
// the limiter grew by (after a full GC), ns per hit over the whole fill, over its last 1,000 hits
// (when the limiter already held about `keys` keys) and on known keys. A hit includes building
// its key string, as a request does. Usage:
//   bun measure.ts <old|new> <keys>      bun measure.ts client-key
import { clientKey } from "@trellis/gateway/client-key";
import { createMemoryRateLimiter } from "@trellis/gateway/rate-limit";
import { createRateLimiter } from "./old-limiter.ts";

const [kind, keysArg] = process.argv.slice(2);
const LAST = 1_000;
const KNOWN_HITS = 100_000;
const MS_PER_HIT = 0.1;

/** The i-th client: one address in each of 2^32 /64s, keyed as each limiter keys it. */
const oldKey = (i: number): string =>
  `2001:db8:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}::1`;
const newKey = (i: number): string =>
  `2001:db8:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}::/64`;

function memory(): { heapMb: number; rssMb: number } {
  Bun.gc(true);
  const usage = process.memoryUsage();
  return { heapMb: usage.heapUsed / 2 ** 20, rssMb: usage.rss / 2 ** 20 };
}

/** ns per call of `run(i)` for i in [from, to); a promise is awaited, as the gateway does. */
async function nsPerHit(from: number, to: number, run: (i: number) => unknown): Promise<number> {
  const started = Bun.nanoseconds();
  for (let i = from; i < to; i++) {
    const result = run(i);
    if (result instanceof Promise) {
      await result;
    }
  }
  return (Bun.nanoseconds() - started) / (to - from);
}

/** A fresh limiter of `kind` as /auth uses it by default (30 a minute per key): its hit. */
function limiterHit(): (i: number) => unknown {
  let simulatedMs = 0;
  const now = () => simulatedMs;
  const advance = () => {
    simulatedMs += MS_PER_HIT;
  };
  if (kind === "old") {
    const old = createRateLimiter({ limit: 30, windowMs: 60_000, now });
    return (i) => {
      advance();
      return old.hit(oldKey(i));
    };
  }
  const current = createMemoryRateLimiter({ name: "auth", limit: 30, windowSeconds: 60, now });
  return (i) => {
    advance();
    return current.hit(newKey(i));
  };
}

async function measureLimiter(keys: number): Promise<Record<string, number | string>> {
  // A throwaway limiter first, so that the measured hits run JIT-compiled code. It stays alive
  // to the end, so that its memory counts neither before nor after.
  const warm = [limiterHit(), limiterHit()];
  for (const hit of warm) {
    await nsPerHit(0, 50_000, (i) => hit(i % 5_000));
  }
  const before = memory();
  const hit = limiterHit();
  const last = Math.min(LAST, keys);
  const started = Bun.nanoseconds();
  await nsPerHit(0, keys - last, hit);
  const atSize = await nsPerHit(keys - last, keys, hit);
  const fillSeconds = (Bun.nanoseconds() - started) / 1e9;
  const after = memory();
  const known = await nsPerHit(0, KNOWN_HITS, (i) => hit(keys - 1 - (i % last)));
  warm.map((hit) => hit(0));
  return {
    limiter: kind ?? "",
    keys,
    heapMb: round(after.heapMb - before.heapMb),
    rssMb: round(after.rssMb - before.rssMb),
    nsPerHitInFill: Math.round((fillSeconds * 1e9) / keys),
    nsPerNewKey: Math.round(atSize),
    nsPerKnownKey: Math.round(known),
    fillSeconds: round(fillSeconds),
  };
}

async function measureClientKey(): Promise<Record<string, number>> {
  const v6 = (i: number) => `2001:db8:${(i & 0xffff).toString(16)}:7::${(i >>> 8).toString(16)}`;
  const v4 = (i: number) => `198.51.${(i >>> 8) & 255}.${i & 255}`;
  await nsPerHit(0, 100_000, (i) => clientKey(v6(i)));
  return {
    nsPerIpv6: Math.round(await nsPerHit(0, 500_000, (i) => clientKey(v6(i)))),
    nsPerIpv4: Math.round(await nsPerHit(0, 500_000, (i) => clientKey(v4(i)))),
  };
}

const round = (value: number): number => Math.round(value * 10) / 10;

console.log(
  JSON.stringify(
    kind === "client-key" ? await measureClientKey() : await measureLimiter(Number(keysArg)),
  ),
);
