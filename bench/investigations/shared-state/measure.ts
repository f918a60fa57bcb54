// What sharing state between gateway replicas costs (gateway/README.md, "Replicas"): a sign-in
// limiter hit in memory against one through Redis, one at a time and 64 at once; how long a
// published session end takes to reach a subscriber; and what dropping one session costs a cache
// of 10,000 entries. Starts its own redis-server (Debian's) on a free port.
// Usage: bun bench/investigations/shared-state/measure.ts
import { tmpdir } from "node:os";
import { createMemoryRateLimiter } from "@trellis/gateway/rate-limit";
import { createSharedRateLimiter } from "@trellis/gateway/rate-limit-shared";
import { cachedSessionValidator } from "@trellis/gateway/session-cache";
import { connectSharedState } from "@trellis/gateway/shared-state";
import { silentLogger } from "@trellis/service-kit";
import { freePort } from "@trellis/testing";

const HITS = 20_000;
const port = freePort();
const server = Bun.spawn(
  [
    "redis-server",
    "--bind",
    "127.0.0.1",
    "--port",
    String(port),
    "--save",
    "",
    "--appendonly",
    "no",
  ],
  { cwd: tmpdir(), stdout: "ignore", stderr: "ignore" },
);
const state = connectSharedState(`redis://127.0.0.1:${port}`, silentLogger());
await new Promise((resolve) => state.commands.once("ready", resolve));

const limiter = (shared: boolean) => {
  const local = createMemoryRateLimiter({ name: "auth", limit: 30, windowSeconds: 60 });
  return shared ? createSharedRateLimiter(state.commands, local) : local;
};

/** µs per hit, `concurrency` hits in flight, over HITS hits on 1,000 keys. */
async function perHit(shared: boolean, concurrency: number): Promise<number> {
  const subject = limiter(shared);
  let next = 0;
  const worker = async () => {
    while (next < HITS) {
      await subject.hit(`198.51.${(next++ % 1000) >> 8}.${next % 256}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker)); // warm-up
  next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ((performance.now() - started) * 1000) / HITS;
}

/** Publish to receipt, ms: median and 99th percentile over 1,000 ends. */
async function endDelivery(): Promise<{ p50: number; p99: number }> {
  await state.subscriber.subscribe("bench:ends");
  const took: number[] = [];
  for (let i = 0; i < 1_000; i++) {
    const started = performance.now();
    const received = new Promise((resolve) => state.subscriber.once("message", resolve));
    await state.commands.publish("bench:ends", `{"s":"id${i}"}`);
    await received;
    took.push(performance.now() - started);
  }
  took.sort((a, b) => a - b);
  return { p50: took[500] ?? 0, p99: took[990] ?? 0 };
}

/** µs to drop one session, or a user's, (endedElsewhere) from a cache holding 10,000. */
async function dropCost(by: "sessionId" | "userId"): Promise<number> {
  const user = { id: "u", name: "", email: "", avatarUrl: "" };
  const validator = cachedSessionValidator(
    async () => ({ user, sessionExpireTime: new Date(Date.now() + 86_400_000), renewed: false }),
    { ttlMs: 30_000, maxEntries: 10_000 },
  );
  for (let i = 0; i < 10_000; i++) {
    await validator.validate(`s${i}.secret`);
  }
  const started = performance.now();
  for (let i = 0; i < 200; i++) {
    validator.endedElsewhere(by === "sessionId" ? { sessionId: `s${i}` } : { userId: `x${i}` });
  }
  return ((performance.now() - started) * 1000) / 200;
}

const row = (name: string, value: number, unit: string) =>
  console.log(`| ${name} | ${value.toFixed(1)} ${unit} |`);
console.log("| measured | value |\n| --- | ---: |");
for (const concurrency of [1, 64]) {
  row(`memory limiter, ${concurrency} in flight, per hit`, await perHit(false, concurrency), "µs");
  row(`shared limiter, ${concurrency} in flight, per hit`, await perHit(true, concurrency), "µs");
}
const delivery = await endDelivery();
row("session end, publish to receipt, median", delivery.p50 * 1000, "µs");
row("session end, publish to receipt, 99th percentile", delivery.p99 * 1000, "µs");
row("dropping one session from 10,000 cached", await dropCost("sessionId"), "µs");
row("dropping a user's sessions from 10,000 cached (a scan)", await dropCost("userId"), "µs");
state.close();
server.kill();
