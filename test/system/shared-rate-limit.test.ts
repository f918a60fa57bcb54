import { afterAll, beforeAll, expect, test } from "bun:test";
import { createMemoryRateLimiter } from "@trellis/gateway/rate-limit";
import { createSharedRateLimiter } from "@trellis/gateway/rate-limit-shared";
import { connectSharedState, type SharedState } from "@trellis/gateway/shared-state";
import { silentLogger } from "@trellis/service-kit";
import { type RedisServer, startRedisServer } from "./support/redis-server.ts";

// The shared limiter's GCRA script on a real Redis (its choices around Redis are unit-tested in
// the gateway): two gateways' limiters over their own connections count one quota, and a hit
// is told what the memory limiter would tell it.

const LIMIT = 10;

let redis: RedisServer;
const connections: SharedState[] = [];
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  for (const connection of connections) {
    connection.close();
  }
  await redis?.process.stop();
});

/** One gateway's limiter, over its own connection, ready to send. */
async function gatewayLimiter(limit = LIMIT) {
  const state = connectSharedState(redis.url, silentLogger());
  connections.push(state);
  await new Promise((resolve) => state.commands.once("ready", resolve));
  const local = createMemoryRateLimiter({ name: "auth", limit, windowSeconds: 60 });
  return { shared: createSharedRateLimiter(state.commands, local), local, state };
}

test("two gateways' limiters admit one quota between them, then refuse with Retry-After", async () => {
  const [a, b] = [await gatewayLimiter(), await gatewayLimiter()];
  const decisions = [];
  for (let hit = 0; hit < 2 * LIMIT; hit++) {
    decisions.push(await (hit % 2 === 0 ? a : b).shared.hit("198.51.100.1"));
  }

  expect(decisions.filter((d) => d.allowed)).toHaveLength(LIMIT);
  expect(decisions.slice(LIMIT).every((d) => !d.allowed && d.resetSeconds >= 1)).toBe(true);
  // Another key has its own quota.
  expect((await a.shared.hit("198.51.100.2")).allowed).toBe(true);
});

test("each hit is told what the memory limiter tells the same hits", async () => {
  const { shared } = await gatewayLimiter(3);
  const memory = createMemoryRateLimiter({ name: "auth", limit: 3, windowSeconds: 60 });
  const seen = { shared: [] as unknown[], memory: [] as unknown[] };
  for (let hit = 0; hit < 5; hit++) {
    seen.shared.push(await shared.hit("198.51.100.3"));
    seen.memory.push(await memory.hit("198.51.100.3"));
  }

  expect(seen.shared).toEqual(seen.memory);
});

test("a key lives in Redis only until its quota is whole again", async () => {
  const { shared, state } = await gatewayLimiter(3);
  await shared.hit("198.51.100.4");

  const ttlMs = await state.commands.pttl("trellis:rate:auth:198.51.100.4");

  // One hit of 3 a minute is back after 20 s.
  expect(ttlMs).toBeGreaterThan(19_000);
  expect(ttlMs).toBeLessThanOrEqual(20_000);
});
