import { context, logs, propagation, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { startSdk } from "@trellis/service-kit/harness";

/** The spans this process ends, kept in memory for a test to read. */
export interface SpanRecorder {
  /** Every span ended since the start or the last `reset()`, in the order they ended. */
  spans(): Promise<ReadableSpan[]>;
  reset(): void;
  /** Stops the SDK and unregisters it, so that a later test file may start its own recorder. */
  stop(): Promise<void>;
}

let recording = false;

/**
 * Starts the same SDK setup as `startTelemetry`, exporting to memory instead of OTLP: the global
 * tracer, W3C propagator and AsyncLocalStorage context manager the kit's code uses. One at a time
 * per process (bun test runs a package's files in one process): stop it in `afterAll`.
 */
export async function recordSpans(options: { serviceName?: string } = {}): Promise<SpanRecorder> {
  if (recording) {
    throw new Error("recordSpans: a recorder is already running in this process; stop it first");
  }
  if (process.env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") {
    throw new Error("recordSpans: OTEL_SDK_DISABLED=true is set, so nothing would be recorded");
  }
  recording = true;
  const { InMemorySpanExporter, SimpleSpanProcessor } = await import("@opentelemetry/sdk-trace");
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor({ exporter });
  const telemetry = await startSdk(options.serviceName ?? "test", {
    spanProcessors: [processor],
  });
  return {
    async spans() {
      // Resource detection may still be pending, which holds exports back until it settles.
      await processor.forceFlush();
      return exporter.getFinishedSpans();
    },
    reset: () => exporter.reset(),
    async stop() {
      await telemetry.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      logs.disable();
      recording = false;
    },
  };
}
