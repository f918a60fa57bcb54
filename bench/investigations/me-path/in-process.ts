import { join } from "node:path";

// CPU per GET /healthz and GET /api/me through the whole gateway app in-process, fake clients
// (the session answered from the cache, as under load): what the gateway's JavaScript spends per
// request, without the socket. `bun in-process.ts <tree root>`, once per tree, in turns.
const root = process.argv[2] ?? join(import.meta.dir, "../../..");
const { testApp, signedIn } = await import(`${root}/gateway/src/testing/test-app.ts`);
const { createMemoryRateLimiter } = await import(`${root}/gateway/src/http/rate-limit-memory.ts`);
// As the bench: the per-session limit runs on every request but refuses none.
const app = testApp({
  sessionLimiter: createMemoryRateLimiter({ name: "session", limit: 1_000_000, windowSeconds: 60 }),
});
const withCookie = signedIn();

async function cpuPerRequest(count: number, send: () => Promise<Response>): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const response = await send();
    await response.arrayBuffer();
    if (response.status >= 400) {
      throw new Error(`status ${response.status}`);
    }
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

const routes: Record<string, () => Promise<Response>> = {
  hello: () => app.request("/healthz"),
  "hello+cookie": () => app.request("/healthz", { headers: withCookie }),
  me: () => app.request("/api/me", { headers: withCookie }),
};
const got: Record<string, number[]> = {};
for (const [name, send] of Object.entries(routes)) {
  await cpuPerRequest(20_000, send);
  got[name] = [];
}
for (let round = 0; round < 7; round++) {
  for (const [name, send] of Object.entries(routes)) {
    got[name]?.push(await cpuPerRequest(20_000, send));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const result = Object.fromEntries(
  Object.entries(got).map(([name, xs]) => [name, Number(median(xs).toFixed(2))]),
);
console.log(JSON.stringify({ root, usPerRequest: result }));
