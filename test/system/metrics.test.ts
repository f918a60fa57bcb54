import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  describePoints,
  type OtlpReceiver,
  type ReceivedPoint,
  startOtlpReceiver,
} from "@trellis/testing";
import { type Browser, createBrowser } from "./support/browser.ts";
import { type Stack, startStack } from "./support/stack.ts";

// The real stack exporting metrics (and no traces) over OTLP/HTTP to a receiver in this process:
// a sign-in, a note written and read back through the gateway, and a refused sign-in produce
// every metric, by its semantic-convention name, from the process that measures it.

setDefaultTimeout(30_000);

const IDENTITY = "trellis.identity.v1.IdentityService";
const NOTES = "trellis.notes.v1.NotesService";
const AUTH_LIMIT = 3;

let receiver: OtlpReceiver;
let stack: Stack;
let browser: Browser;
let noteId: string;
/** How many sign-in attempts the gateway refused with 429. */
let refusedAttempts = 0;

beforeAll(async () => {
  receiver = startOtlpReceiver();
  stack = await startStack({
    env: {
      OTEL_SDK_DISABLED: "false",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "http/json",
      OTEL_TRACES_EXPORTER: "none",
      OTEL_METRIC_EXPORT_INTERVAL: "200",
    },
    gatewayEnv: { AUTH_RATE_LIMIT_PER_MINUTE: String(AUTH_LIMIT) },
  });
  browser = createBrowser(stack.gatewayUrl);
  // Part of the limit's sign-in attempts (the login and its callback each count).
  await browser.signIn("dev", { id: "metered" });
  const created = await browser.api("/api/notes", {
    method: "POST",
    json: { title: "metered", body: "a note" },
  });
  expect(created.status).toBe(201);
  noteId = ((await created.json()) as { id: string }).id;
  expect((await browser.api(`/api/notes/${noteId}`)).status).toBe(200);
  expect((await browser.api("/api/me")).status).toBe(200);
  // The limit's other attempts, then at least one refused.
  const statuses: number[] = [];
  for (let attempt = 0; attempt < AUTH_LIMIT; attempt++) {
    statuses.push((await browser.api("/auth/dev/login", { origin: null })).status);
  }
  refusedAttempts = statuses.filter((status) => status === 429).length;
  expect(refusedAttempts).toBeGreaterThanOrEqual(1);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  receiver?.stop();
});

/** Waits for a point of `name` from `service` matching `attributes`; the latest one's value. */
async function latest(
  service: string,
  name: string,
  attributes: Record<string, unknown> = {},
): Promise<ReceivedPoint> {
  const matches = (point: ReceivedPoint) =>
    point.service === service &&
    point.name === name &&
    Object.entries(attributes).every(([key, value]) => point.attributes[key] === value);
  try {
    const points = await receiver.waitForPoints((all) => all.some(matches));
    return points.filter(matches).at(-1) as ReceivedPoint;
  } catch {
    throw new Error(
      `no ${name} from ${service} with ${JSON.stringify(attributes)}; got:\n` +
        describePoints(receiver.points().filter((point) => point.name === name)),
    );
  }
}

describe("the gateway", () => {
  test("http.server.request.duration by method, route template and status, in seconds", async () => {
    const point = await latest("gateway", "http.server.request.duration", {
      "http.route": "/api/notes/:id",
    });

    expect(point).toMatchObject({
      type: "histogram",
      unit: "s",
      value: 1,
      attributes: { "http.request.method": "GET", "http.response.status_code": 200 },
    });
    // The template only: no series carries a note's id.
    const all = receiver.points().filter((p) => p.name === "http.server.request.duration");
    expect(JSON.stringify(all)).not.toContain(noteId);
  });

  test("rpc.client.call.duration of its calls to identity and notes", async () => {
    const toIdentity = await latest("gateway", "rpc.client.call.duration", {
      "rpc.service": IDENTITY,
      "rpc.method": "ValidateSession",
    });
    const toNotes = await latest("gateway", "rpc.client.call.duration", {
      "rpc.service": NOTES,
      "rpc.method": "CreateNote",
    });

    for (const point of [toIdentity, toNotes]) {
      expect(point).toMatchObject({
        type: "histogram",
        unit: "s",
        attributes: { "rpc.system": "grpc", "rpc.grpc.status_code": 0, "rpc.status_code": "OK" },
      });
    }
  });

  test("trellis.session_cache.lookups: misses and hits", async () => {
    const miss = await latest("gateway", "trellis.session_cache.lookups", {
      "trellis.session_cache.result": "miss",
    });
    const hit = await latest("gateway", "trellis.session_cache.lookups", {
      "trellis.session_cache.result": "hit",
    });

    expect(miss.value).toBeGreaterThanOrEqual(1);
    expect(hit.value).toBeGreaterThanOrEqual(1);
  });

  test("trellis.rate_limit.refusals: each refused sign-in, under the auth policy", async () => {
    const refused = await receiver.waitForPoints((all) =>
      all.some(
        (point) =>
          point.service === "gateway" &&
          point.name === "trellis.rate_limit.refusals" &&
          point.attributes["trellis.rate_limit.policy"] === "auth" &&
          point.value === refusedAttempts,
      ),
    );

    expect(refused.length).toBeGreaterThan(0);
  });
});

describe.each([
  { service: "identity", rpc: "ValidateSession", full: IDENTITY },
  { service: "notes", rpc: "CreateNote", full: NOTES },
])("$service", ({ service, rpc, full }) => {
  test("rpc.server.call.duration by method and status", async () => {
    const point = await latest(service, "rpc.server.call.duration", { "rpc.method": rpc });

    expect(point).toMatchObject({
      type: "histogram",
      unit: "s",
      attributes: {
        "rpc.system": "grpc",
        "rpc.service": full,
        "rpc.grpc.status_code": 0,
        "rpc.status_code": "OK",
      },
    });
  });

  test("db.client.connection.count (used, idle) and pending_requests of its pool", async () => {
    const used = await latest(service, "db.client.connection.count", {
      "db.client.connection.state": "used",
      "db.client.connection.pool.name": service,
    });
    const idle = await latest(service, "db.client.connection.count", {
      "db.client.connection.state": "idle",
      "db.client.connection.pool.name": service,
    });
    const pending = await latest(service, "db.client.connection.pending_requests", {
      "db.client.connection.pool.name": service,
    });

    // Between requests: nothing waits, and the connections the calls opened are idle again.
    expect(used.value + idle.value).toBeGreaterThanOrEqual(1);
    expect(pending).toMatchObject({ type: "sum", unit: "{request}", value: 0 });
  });
});

test("no span was exported: OTEL_TRACES_EXPORTER=none keeps tracing off", () => {
  expect(receiver.spans()).toEqual([]);
});
