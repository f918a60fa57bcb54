import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { type OtlpReceiver, startOtlpReceiver } from "@trellis/testing";
import { runFixture as runFixtureScript } from "./support/run-fixture.ts";

// startTelemetry in real processes, configured only by OTEL_* variables: exporting over
// OTLP/HTTP with a flush on shutdown, switched off, and facing a collector that is down.

setDefaultTimeout(20_000);

const fixture = join(import.meta.dir, "fixtures/traced-call.ts");

interface FixtureResult {
  answer: string;
  lines: string[];
  perCallMicros: number;
  shutdownMs: number;
}

let receiver: OtlpReceiver;
beforeAll(() => {
  receiver = startOtlpReceiver();
});
afterAll(() => receiver.stop());

function runFixture(env: Record<string, string>) {
  return runFixtureScript<FixtureResult>(fixture, env);
}

function parsed(lines: string[]): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

test("exports every span over OTLP/HTTP on shutdown, one trace across client and server", async () => {
  receiver.clear();

  const { result, stderr, exitCode } = await runFixture({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json",
    // Far beyond the test: only the flush on shutdown can deliver them in time.
    OTEL_BSP_SCHEDULE_DELAY: "600000",
  });

  expect({ exitCode, stderr, answer: result.answer }).toEqual({
    exitCode: 0,
    stderr: "",
    answer: "hi",
  });
  const spans = receiver.spans().filter((span) => span.name !== "x");
  const work = spans.find((span) => span.name === "work");
  const client = spans.find((span) => span.kind === "CLIENT");
  const server = spans.find((span) => span.kind === "SERVER");
  expect(spans.map((span) => `${span.service} ${span.kind} ${span.name}`).sort()).toEqual([
    "traced-call CLIENT test.v1.EchoService/Echo",
    "traced-call INTERNAL work",
    "traced-call SERVER test.v1.EchoService/Echo",
  ]);
  expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
  expect(client?.parentSpanId).toBe(work?.spanId ?? "missing");
  expect(server?.parentSpanId).toBe(client?.spanId ?? "missing");
  const [before, inside, after] = parsed(result.lines);
  expect(inside).toMatchObject({
    message: "inside",
    trace_id: work?.traceId,
    span_id: work?.spanId,
  });
  expect([before?.trace_id, after?.trace_id]).toEqual([undefined, undefined]);
});

test("OTEL_SERVICE_NAME names the service over the code's default", async () => {
  receiver.clear();

  await runFixture({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json",
    OTEL_SERVICE_NAME: "renamed",
  });

  const services = new Set(receiver.spans().map((span) => span.service));
  expect([...services]).toEqual(["renamed"]);
});

test("OTEL_SDK_DISABLED=true: nothing exported, nothing printed, no trace ids", async () => {
  receiver.clear();

  const { result, stderr, exitCode } = await runFixture({
    OTEL_SDK_DISABLED: "true",
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json",
    OTEL_BSP_SCHEDULE_DELAY: "10",
  });

  expect({ exitCode, stderr, answer: result.answer }).toEqual({
    exitCode: 0,
    stderr: "",
    answer: "hi",
  });
  expect(receiver.stats()).toEqual({ batches: 0, bytes: 0 });
  expect(parsed(result.lines).filter((line) => "trace_id" in line || "span_id" in line)).toEqual(
    [],
  );
});

test("no OTLP endpoint named: tracing stays off, with no trace ids and no errors", async () => {
  const { result, stderr, exitCode } = await runFixture({});

  expect({ exitCode, stderr, answer: result.answer }).toEqual({
    exitCode: 0,
    stderr: "",
    answer: "hi",
  });
  expect(parsed(result.lines).filter((line) => "trace_id" in line || "span_id" in line)).toEqual(
    [],
  );
});

test("a collector that is down: the process stays silent and its stop gives up after ~2 s, not when the exporter does", async () => {
  const { result, stderr, exitCode } = await runFixture({
    // A port nothing listens on (the receiver's own, once stopped, is not guaranteed free).
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9",
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json",
  });

  expect({ exitCode, stderr, answer: result.answer }).toEqual({
    exitCode: 0,
    stderr: "",
    answer: "hi",
  });
  // The stop's own limit is 2 s (SHUTDOWN_LIMIT_MS). Without it the stop waited 7.9 s here, the
  // exporter retrying towards its 10 s timeout. 5 s leaves a loaded machine's late timers 3 s and
  // still fails a stop that waits on the exporter.
  expect(result.shutdownMs).toBeLessThan(5_000);
});
