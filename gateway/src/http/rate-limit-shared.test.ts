import { expect, test } from "bun:test";
import { createMemoryRateLimiter } from "./rate-limit-memory.ts";
import { createSharedRateLimiter, type RateLimitStore } from "./rate-limit-shared.ts";
import type { RateLimitDecision } from "./rate-limiter.ts";

// The shared limiter's choices around its store (a fake here; the script itself runs against a
// real Redis in the workspace's test/system/shared-rate-limit.test.ts).

const LIMIT = 3;

/** A store whose every script answers `reply` (or throws it), recording the commands sent. */
function fakeStore(reply: unknown, status = "ready") {
  const sent: string[] = [];
  const answer = async (name: string) => {
    sent.push(name);
    if (reply instanceof Error) {
      throw reply;
    }
    return reply;
  };
  const store = {
    status,
    evalsha: (..._args: unknown[]) => answer("evalsha"),
    eval: (..._args: unknown[]) => answer("eval"),
  } as unknown as RateLimitStore;
  return { store, sent };
}

function limiterOver(store: RateLimitStore) {
  const local = createMemoryRateLimiter({ name: "auth", limit: LIMIT, windowSeconds: 60 });
  return createSharedRateLimiter(store, local);
}

async function hits(store: RateLimitStore, count: number): Promise<RateLimitDecision[]> {
  const limiter = limiterOver(store);
  const decisions: RateLimitDecision[] = [];
  for (let i = 0; i < count; i++) {
    decisions.push(await limiter.hit("203.0.113.1"));
  }
  return decisions;
}

const allowedAt = (remaining: number, resetSeconds: number) => ({
  allowed: true,
  remaining,
  resetSeconds,
});

test("answers what the script decided: a key 40 s ahead (of 3 a minute) spends its last hit", async () => {
  const { store } = fakeStore([1, 40_000_000]);
  expect(await hits(store, 1)).toEqual([allowedAt(0, 60)]);
});

test("a refusal from the script is a refusal, with the seconds until the next hit", async () => {
  const { store } = fakeStore([0, 41_000_000]);
  expect(await hits(store, 1)).toEqual([{ allowed: false, remaining: 0, resetSeconds: 1 }]);
});

test.each<{ name: string; store: ReturnType<typeof fakeStore>; sent: string[] }>([
  { name: "Redis is not connected", store: fakeStore([0, 99_000_000], "reconnecting"), sent: [] },
  { name: "the script fails", store: fakeStore(new Error("timeout")), sent: ["evalsha"] },
  { name: "the reply is malformed", store: fakeStore("OK"), sent: ["evalsha"] },
])("when $name, this process's own count answers", async ({ store, sent }) => {
  const decisions = await hits(store.store, LIMIT + 1);

  expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
  expect(store.sent.slice(0, sent.length)).toEqual(sent);
});

test("a Redis that does not know the script yet is sent it whole", async () => {
  const sent: string[] = [];
  const store = {
    status: "ready",
    evalsha: async () => {
      sent.push("evalsha");
      throw new Error("NOSCRIPT No matching script. Please use EVAL.");
    },
    eval: async () => {
      sent.push("eval");
      return [1, 0];
    },
  } as unknown as RateLimitStore;

  expect(await hits(store, 1)).toEqual([allowedAt(2, 20)]);
  expect(sent).toEqual(["evalsha", "eval"]);
});
