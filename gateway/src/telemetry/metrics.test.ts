import { afterEach, beforeEach, expect, test } from "bun:test";
import { type CollectedPoint, type MetricsRecorder, recordMetrics } from "@trellis/testing";
import { createMemoryRateLimiter } from "../http/rate-limit-memory.ts";
import { signedIn, testApp } from "../testing/test-app.ts";
import { createGatewayMetrics } from "./metrics.ts";
import { countRefusals } from "./metrics-rate-limit.ts";

// The gateway's instruments through the real app (in-process, fake clients) into the real SDK.

const NOTE_ID = "0190a1b2-0000-7000-8000-0000000000b1";

let recorder: MetricsRecorder;
beforeEach(() => {
  recorder = recordMetrics();
});
afterEach(() => recorder.stop());

/** The points of `name` so far. */
async function pointsOf(name: string): Promise<CollectedPoint[]> {
  // app.handle runs onAfterResponse, which records the request, in a setImmediate after it.
  await Bun.sleep(1);
  return (await recorder.collect()).filter((point) => point.name === name);
}

const counts = (points: CollectedPoint[]) =>
  points.map(({ attributes, value }) => ({ attributes, value }));

test("http.server.request.duration: by method, route template and status, in seconds", async () => {
  const app = testApp({ metrics: createGatewayMetrics(recorder.meter, recorder.addProducer) });

  await app.request("/api/me", { headers: signedIn() });
  await app.request("/api/me", { headers: signedIn() });
  await app.request("/api/me");
  await app.request(`/api/notes/${NOTE_ID}`, { headers: signedIn() });
  await app.request(`/api/nothing/${NOTE_ID}`);

  const points = await pointsOf("http.server.request.duration");
  expect(new Set(points.map((point) => point.unit))).toEqual(new Set(["s"]));
  expect(counts(points)).toEqual([
    {
      attributes: {
        "http.request.method": "GET",
        "http.route": "/api/me",
        "http.response.status_code": 200,
      },
      value: 2,
    },
    {
      attributes: {
        "http.request.method": "GET",
        "http.route": "/api/me",
        "http.response.status_code": 401,
      },
      value: 1,
    },
    {
      attributes: {
        "http.request.method": "GET",
        "http.route": "/api/notes/:id",
        "http.response.status_code": 200,
      },
      value: 1,
    },
    {
      // No API route: the web app's fallback answered, under its own template.
      attributes: {
        "http.request.method": "GET",
        "http.route": "/*",
        "http.response.status_code": 404,
      },
      value: 1,
    },
  ]);
  // The route template, never the path: no series per note.
  expect(JSON.stringify(points)).not.toContain(NOTE_ID);
});

test("trellis.session_cache.lookups: the first check of a session misses, the next hits", async () => {
  const app = testApp({ metrics: createGatewayMetrics(recorder.meter, recorder.addProducer) });

  for (let i = 0; i < 3; i++) {
    await app.request("/api/me", { headers: signedIn() });
  }

  expect(counts(await pointsOf("trellis.session_cache.lookups"))).toEqual([
    { attributes: { "trellis.session_cache.result": "hit" }, value: 2 },
    { attributes: { "trellis.session_cache.result": "miss" }, value: 1 },
  ]);
});

test("trellis.rate_limit.refusals: each refused hit, under its policy's name", async () => {
  const metrics = createGatewayMetrics(recorder.meter, recorder.addProducer);
  const limiter = countRefusals(
    createMemoryRateLimiter({ name: "auth", limit: 2, windowSeconds: 60, now: () => 0 }),
    metrics,
  );

  const allowed = [];
  for (let i = 0; i < 5; i++) {
    allowed.push((await limiter.hit("203.0.113.7")).allowed);
  }

  expect(allowed).toEqual([true, true, false, false, false]);
  expect(counts(await pointsOf("trellis.rate_limit.refusals"))).toEqual([
    { attributes: { "trellis.rate_limit.policy": "auth" }, value: 3 },
  ]);
});

test("metrics off: the limiter is left as it is, not wrapped", () => {
  const limiter = createMemoryRateLimiter({ name: "auth", limit: 2, windowSeconds: 60 });

  expect(countRefusals(limiter, null)).toBe(limiter);
});
