import { afterAll, beforeAll, expect, test } from "bun:test";
import { context, trace } from "@opentelemetry/api";
import { recordSpans, type SpanRecorder } from "@trellis/testing";
import { createLogger } from "../src/log.ts";

// Log lines name the span they were written in, so a line leads to its trace and back.

let recorder: SpanRecorder;
beforeAll(async () => {
  recorder = await recordSpans();
});
afterAll(() => recorder?.stop());

function capture(): {
  lines: () => Record<string, unknown>[];
  log: ReturnType<typeof createLogger>;
} {
  const written: string[] = [];
  const log = createLogger({
    service: "notes",
    level: "info",
    destination: { write: (line: string) => void written.push(line) },
  });
  return { log, lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

test("inside a span a line carries its trace_id and span_id, outside it neither", async () => {
  const { log, lines } = capture();
  const span = trace.getTracer("test").startSpan("work");

  log.info("before");
  await context.with(trace.setSpan(context.active(), span), async () => {
    await Bun.sleep(1); // across an await, as in a handler
    log.info({ rows: 1 }, "inside");
  });
  span.end();
  log.info("after");

  const { traceId, spanId } = span.spanContext();
  expect(lines().map(({ time, ...rest }) => rest)).toEqual([
    { level: "info", service: "notes", message: "before" },
    {
      level: "info",
      service: "notes",
      trace_id: traceId,
      span_id: spanId,
      rows: 1,
      message: "inside",
    },
    { level: "info", service: "notes", message: "after" },
  ]);
  expect(lines().every((line) => typeof line.time === "string")).toBe(true);
});

test("an error line carries its cause", () => {
  const { log, lines } = capture();

  log.error(
    { err: new Error("query failed", { cause: new Error("connection reset") }) },
    "rpc failed",
  );

  const [line] = lines();
  expect(line).toMatchObject({ level: "error", message: "rpc failed" });
  expect(line?.err).toMatchObject({ type: "Error", message: "query failed: connection reset" });
  expect(String((line?.err as { stack?: unknown } | undefined)?.stack)).toContain(
    "caused by: Error: connection reset",
  );
});
