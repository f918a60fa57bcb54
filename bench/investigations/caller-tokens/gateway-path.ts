import { join } from "node:path";

// CPU per GET /api/notes and POST /api/notes through the whole gateway app in-process, fake
// clients: what the gateway itself spends per request. `bun gateway-path.ts <tree root>`,
// once per tree, in turns.
const root = process.argv[2] ?? join(import.meta.dir, "../../..");
const { testApp, signedIn } = await import(`${root}/gateway/src/testing/test-app.ts`);
// As the bench: the per-session limit runs on every request but refuses none.
const memory = await import(`${root}/gateway/src/http/rate-limit-memory.ts`).catch(() => null);
const app = testApp(
  memory === null
    ? {}
    : {
        sessionLimiter: memory.createMemoryRateLimiter({
          name: "session",
          limit: 1_000_000,
          windowSeconds: 60,
        }),
      },
);
const headers = signedIn();
const post = {
  ...signedIn(),
  origin: "https://app.example.com",
  "content-type": "application/json",
};
const body = JSON.stringify({ title: "a title", body: "some text" });

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
const list = () => app.request("/api/notes?page_size=20", { headers });
const create = () => app.request("/api/notes", { method: "POST", headers: post, body });
await cpuPerRequest(20_000, list);
await cpuPerRequest(5_000, create);
const lists: number[] = [];
const creates: number[] = [];
for (let round = 0; round < 7; round++) {
  lists.push(await cpuPerRequest(10_000, list));
  creates.push(await cpuPerRequest(3_000, create));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(JSON.stringify({ root, listUs: median(lists), createUs: median(creates) }));
