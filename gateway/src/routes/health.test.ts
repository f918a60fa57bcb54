import { expect, test } from "bun:test";
import type { HealthStatus } from "@trellis/service-kit";
import { loadConfig } from "../config.ts";
import type { HealthProbe } from "../readiness.ts";
import { NOTES_ADDRESS, NOTES_SERVICE, TEST_SIGNING_KEY, testApp } from "../testing/test-app.ts";
import { healthRoutes } from "./health.ts";

type State = HealthStatus | Error;
const cases: { name: string; states: { identity: State; notes: State }; want: number }[] = [
  { name: "both services serving", states: { identity: "SERVING", notes: "SERVING" }, want: 200 },
  { name: "notes draining", states: { identity: "SERVING", notes: "NOT_SERVING" }, want: 503 },
  {
    name: "identity unreachable",
    states: { identity: new Error("down"), notes: "SERVING" },
    want: 503,
  },
];

test.each(cases)(
  "/readyz with details on and $name answers $want and names each service",
  async ({ states, want }) => {
    const { deps } = testApp();
    const config = { ...deps.config, readyzDetails: true };
    const byAddress: Record<string, HealthStatus | Error | undefined> = {
      [deps.config.identityAddress]: states.identity,
      [NOTES_ADDRESS]: states.notes,
    };
    const { request } = testApp({
      config,
      probe: async (address) => {
        const state = byAddress[address];
        if (state === undefined || state instanceof Error) {
          throw state ?? new Error("unknown address");
        }
        return state;
      },
    });

    const response = await request("/readyz");
    const body = (await response.json()) as { services: Record<string, string> };

    expect(response.status).toBe(want);
    expect(body.services).toEqual({
      identity: states.identity instanceof Error ? "UNREACHABLE" : states.identity,
      [NOTES_SERVICE]: states.notes instanceof Error ? "UNREACHABLE" : states.notes,
    });
  },
);

test("/healthz answers while services are down", async () => {
  const { request } = testApp({ probe: () => Promise.reject(new Error("down")) });
  expect((await request("/healthz")).status).toBe(200);
});

test("/openapi.json describes the notes API and the cookie session", async () => {
  const { request } = testApp();

  const document = (await (await request("/openapi.json")).json()) as {
    paths: Record<string, unknown>;
    components: { securitySchemes: Record<string, unknown> };
  };

  expect(Object.keys(document.paths)).toEqual(
    expect.arrayContaining(["/api/me", "/api/notes", "/api/notes/{id}", "/auth/logout"]),
  );
  expect(document.components.securitySchemes.session).toEqual({
    type: "apiKey",
    in: "cookie",
    name: "__Host-session",
  });
});

// /readyz as anyone may call it: what it tells whom, and what a flood of it costs.

const BASE_ENV = {
  CALLER_SIGNING_KEY: TEST_SIGNING_KEY,
  REST_SERVICES: `${NOTES_SERVICE}=${NOTES_ADDRESS}`,
  ALLOW_HTTP_ORIGIN: "true",
  LOG_LEVEL: "silent",
};

/** A probe that answers `state` for every service and counts its calls. */
function countingProbe(state: () => HealthStatus | Promise<HealthStatus>): HealthProbe & {
  calls: string[];
} {
  const calls: string[] = [];
  return Object.assign(
    async (address: string) => {
      calls.push(address);
      return state();
    },
    { calls },
  );
}

function readyz(
  env: Record<string, string | undefined>,
  probe: HealthProbe,
  now: () => number = () => 0,
): () => Promise<Response> {
  const app = healthRoutes({ config: loadConfig({ ...BASE_ENV, ...env }), probe, now });
  return () => app.handle(new Request("http://gateway.test/readyz"));
}

const SERVICES = { identity: "SERVING", [NOTES_SERVICE]: "SERVING" };

const visibility = [
  {
    name: "production",
    shows: "only the status",
    env: { MODE: "production" },
    want: { status: "ready" },
  },
  {
    name: "production with READYZ_DETAILS=true",
    shows: "each service",
    env: { MODE: "production", READYZ_DETAILS: "true" },
    want: { status: "ready", services: SERVICES },
  },
  {
    name: "development",
    shows: "each service",
    env: { MODE: "development" },
    want: { status: "ready", services: SERVICES },
  },
  {
    name: "development with READYZ_DETAILS=false",
    shows: "only the status",
    env: { MODE: "development", READYZ_DETAILS: "false" },
    want: { status: "ready" },
  },
];

test.each(visibility)("/readyz in $name shows $shows", async ({ env, want }) => {
  const response = await readyz(
    env,
    countingProbe(() => "SERVING"),
  )();

  expect(response.status).toBe(200);
  expect(await response.json()).toEqual(want);
});

test("/readyz in production names no service when one is down either, only the 503", async () => {
  const response = await readyz(
    { MODE: "production" },
    countingProbe(() => "NOT_SERVING"),
  )();

  expect(response.status).toBe(503);
  expect(await response.json()).toEqual({ status: "not ready" });
});

test("/readyz probes each service once for every request within the same second", async () => {
  let now = 5_000;
  const probe = countingProbe(() => "SERVING");
  const call = readyz({}, probe, () => now);

  const statuses: number[] = [];
  for (const at of [5_000, 5_001, 5_500, 5_999]) {
    now = at;
    statuses.push((await call()).status);
  }
  const cachedCalls = probe.calls.length;
  now = 6_000;
  await call();

  expect(statuses).toEqual([200, 200, 200, 200]);
  expect(cachedCalls).toBe(2);
  expect(probe.calls.length).toBe(4);
});

test("concurrent /readyz requests share one probe of each service", async () => {
  let release: (state: HealthStatus) => void = () => undefined;
  const pending = new Promise<HealthStatus>((resolve) => {
    release = resolve;
  });
  const probe = countingProbe(() => pending);
  const call = readyz({}, probe);

  const responses = Array.from({ length: 50 }, () => call());
  release("SERVING");
  const statuses = await Promise.all(responses.map(async (response) => (await response).status));

  expect(probe.calls.length).toBe(2);
  expect(new Set(statuses)).toEqual(new Set([200]));
});

test("a failed probe is reused for at most a second too, then asked again", async () => {
  let now = 0;
  let state: HealthStatus | Error = new Error("connect ECONNREFUSED");
  const probe = countingProbe(() => {
    if (state instanceof Error) {
      throw state;
    }
    return state;
  });
  const call = readyz({ MODE: "development" }, probe, () => now);

  const down = await call();
  state = "SERVING";
  now = 999;
  const stillCached = await call();
  now = 1_000;
  const up = await call();

  expect([down.status, stillCached.status, up.status]).toEqual([503, 503, 200]);
  expect(await down.json()).toEqual({
    status: "not ready",
    services: { identity: "UNREACHABLE", [NOTES_SERVICE]: "UNREACHABLE" },
  });
  expect(probe.calls.length).toBe(4);
});
