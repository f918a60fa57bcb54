import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { type OtlpReceiver, startOtlpReceiver } from "@trellis/testing";

// startTelemetry's metrics in real processes, configured only by OTEL_* variables: exported over
// OTLP/HTTP when an endpoint is named, and nothing set up or sent otherwise.

setDefaultTimeout(20_000);

const fixture = join(import.meta.dir, "fixtures/metered-call.ts");

let receiver: OtlpReceiver;
beforeAll(() => {
  receiver = startOtlpReceiver();
});
afterAll(() => receiver.stop());

interface FixtureResult {
  answer: string;
  metrics: boolean;
  tracing: boolean;
}

async function runFixture(env: Record<string, string>): Promise<FixtureResult> {
  receiver.clear();
  const child = Bun.spawn([process.execPath, fixture], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  clearTimeout(timer);
  expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: "" });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as FixtureResult;
}

const json = {
  OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "http/json",
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json",
};

test("the shared endpoint: both sides' call durations arrive over OTLP/HTTP, under the service's name", async () => {
  const result = await runFixture({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...json });

  expect(result).toEqual({ answer: "hi", metrics: true, tracing: true });
  const calls = receiver
    .points()
    .filter((point) => point.name.startsWith("rpc."))
    .map(({ service, name, unit, type, value, attributes }) => ({
      service,
      name,
      unit,
      type,
      value,
      method: attributes["rpc.method"],
      code: attributes["rpc.grpc.status_code"],
    }));
  const call = {
    service: "metered-call",
    unit: "s",
    type: "histogram" as const,
    value: 1,
    method: "Echo",
  };
  expect(calls).toEqual([
    { ...call, name: "rpc.server.call.duration", code: 0 },
    { ...call, name: "rpc.client.call.duration", code: 0 },
  ]);
});

test("a metrics endpoint alone: metrics on, tracing off", async () => {
  const result = await runFixture({
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/v1/metrics`,
    ...json,
  });

  expect(result).toEqual({ answer: "hi", metrics: true, tracing: false });
  expect(receiver.spans()).toEqual([]);
  expect(receiver.points().length).toBeGreaterThan(0);
});

const off: { name: string; endpoint: boolean; env: Record<string, string> }[] = [
  { name: "no endpoint named", endpoint: false, env: {} },
  {
    name: "OTEL_METRICS_EXPORTER=none (and traces none)",
    endpoint: true,
    env: { OTEL_METRICS_EXPORTER: "none", OTEL_TRACES_EXPORTER: "none" },
  },
  { name: "OTEL_SDK_DISABLED=true", endpoint: true, env: { OTEL_SDK_DISABLED: "true" } },
];

test.each(off)("$name: no meter, and nothing exported", async ({ endpoint, env }) => {
  const result = await runFixture({
    ...(endpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } : {}),
    ...json,
    ...env,
  });

  expect(result).toEqual({ answer: "hi", metrics: false, tracing: false });
  expect(receiver.stats()).toEqual({ batches: 0, bytes: 0 });
});
