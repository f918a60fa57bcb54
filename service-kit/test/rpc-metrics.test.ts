import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  type CollectedPoint,
  type MetricsRecorder,
  recordMetrics,
  testCallerKeys,
} from "@trellis/testing";
import { parsePublicKeys, parseSigningKey } from "../src/caller/caller-keys.ts";
import { createClient } from "../src/client/client.ts";
import { notFound } from "../src/errors.ts";
import { silentLogger } from "../src/log.ts";
import { bindService } from "../src/server/bind-service.ts";
import { type GrpcServer, startGrpcServer } from "../src/server/grpc-server.ts";
import { ECHO_SERVICE_NAME, echoService, ping } from "./support/echo-service.ts";

// rpc.server.call.duration and rpc.client.call.duration from a real server and the kit's client,
// into the real SDK: one point per method and status, with the spans' attributes.

const USER = "0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69";

let metrics: MetricsRecorder;
let server: GrpcServer;
let address: string;

beforeAll(async () => {
  metrics = recordMetrics();
  server = await startGrpcServer({
    services: [
      {
        name: ECHO_SERVICE_NAME,
        definition: echoService,
        implementation: bindService(
          echoService,
          {
            echo: async (request, caller) => {
              if (request.text === "missing") {
                throw notFound("no such text");
              }
              return { text: request.text, userId: caller.userId };
            },
            ping,
          },
          { log: silentLogger(), callerKeys: parsePublicKeys(testCallerKeys.publicKeys) },
        ),
      },
    ],
    host: "127.0.0.1",
    port: 0,
    log: silentLogger(),
    shutdownDelayMs: 0,
    shutdownGraceMs: 1_000,
    meter: metrics.meter,
  });
  server.markServing();
  address = `127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.shutdown();
  await metrics.stop();
});

const named = (points: CollectedPoint[], name: string) =>
  points
    .filter((point) => point.name === name)
    .map(({ attributes, value, unit }) => ({ attributes, value, unit }));

test("each side records every call by method and status, in seconds, with the spans' attributes", async () => {
  const client = createClient(echoService, address, {
    timeoutMs: 2_000,
    callerKey: parseSigningKey(testCallerKeys.signingKey),
    meter: metrics.meter,
  });
  await client.echo({ text: "a" }, { userId: USER });
  await client.echo({ text: "b" }, { userId: USER });
  await client.echo({ text: "missing" }, { userId: USER }).catch(() => undefined);
  client.close();

  const points = await metrics.collect();

  const echo = {
    "rpc.system": "grpc",
    "rpc.system.name": "grpc",
    "rpc.service": ECHO_SERVICE_NAME,
    "rpc.method": "Echo",
  };
  const toServer = { ...echo, "server.address": "127.0.0.1", "server.port": server.port };
  const outcomes = (base: Record<string, unknown>) => [
    {
      unit: "s",
      value: 2,
      attributes: { ...base, "rpc.grpc.status_code": 0, "rpc.status_code": "OK" },
    },
    {
      unit: "s",
      value: 1,
      attributes: { ...base, "rpc.grpc.status_code": 5, "rpc.status_code": "NOT_FOUND" },
    },
  ];
  expect(named(points, "rpc.server.call.duration")).toEqual(outcomes(echo));
  expect(named(points, "rpc.client.call.duration")).toEqual(outcomes(toServer));
  // Loopback calls: well under a second each, and not nothing.
  const total = points
    .filter((point) => point.name === "rpc.server.call.duration")
    .reduce((sum, point) => sum + point.sum, 0);
  expect(total).toBeGreaterThan(0);
  expect(total).toBeLessThan(3);
});

test("without a meter a client records nothing and wraps nothing", async () => {
  const before = (await metrics.collect()).filter(
    (point) => point.name === "rpc.client.call.duration",
  );
  const client = createClient(echoService, address, {
    timeoutMs: 2_000,
    callerKey: parseSigningKey(testCallerKeys.signingKey),
  });
  await client.echo({ text: "unmeasured" }, { userId: USER });
  client.close();

  const after = (await metrics.collect()).filter(
    (point) => point.name === "rpc.client.call.duration",
  );
  expect(after).toEqual(before);
});
