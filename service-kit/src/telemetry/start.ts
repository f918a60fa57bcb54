import { type Meter, metrics } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import type { MetricProducer } from "@opentelemetry/sdk-metrics";
import type { SpanProcessor } from "@opentelemetry/sdk-trace";
import { metricReaderFromEnv } from "./metric-reader.ts";
import { type SignalSwitches, signalsFromEnv } from "./signals-from-env.ts";

/** What `startTelemetry` hands back: the process's meter, and its graceful stop. */
export interface Telemetry {
  /**
   * Where the process's metrics go (named after the process); null while metrics are off, so
   * that instrumented code does nothing per call but a null check.
   */
  meter: Meter | null;
  /**
   * Hands the reader metrics the process aggregates itself (histogram-table.ts), read at each
   * collection beside the meter's instruments; does nothing while metrics are off.
   */
  addMetricProducer(producer: MetricProducer): void;
  /**
   * Exports the spans still buffered, then stops the SDK. Call it last in a graceful stop. It
   * never rejects, and gives up after SHUTDOWN_LIMIT_MS when the collector does not answer.
   */
  shutdown(): Promise<void>;
}

/** A stop never waits longer than this on a collector that is down. */
const SHUTDOWN_LIMIT_MS = 2_000;

const disabled: Telemetry = { meter: null, addMetricProducer: () => {}, shutdown: async () => {} };

/**
 * Starts the OpenTelemetry Node SDK for traces and metrics, configured only by the standard
 * OTEL_* variables: OTEL_SDK_DISABLED, OTEL_SERVICE_NAME (else `serviceName`),
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_ENDPOINT / _PROTOCOL (OTLP over HTTP, protobuf by
 * default), OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER (`none` turns one signal off),
 * OTEL_TRACES_SAMPLER, OTEL_BSP_*, OTEL_METRIC_EXPORT_INTERVAL, OTEL_PROPAGATORS (W3C trace
 * context by default), ... With traces on it registers the global tracer provider, propagator and
 * an AsyncLocalStorage context manager, which the kit's gRPC, SQL and log code read; metrics are
 * handed back as `meter`, for the process to pass to what it instruments. Disabled, it loads
 * nothing and costs nothing.
 *
 * Unlike the SDK's own default, each signal stays off until an OTLP endpoint is named for it
 * (OTEL_EXPORTER_OTLP_ENDPOINT, or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT /
 * OTEL_EXPORTER_OTLP_METRICS_ENDPOINT): exporting to a collector that is not there cost 20-25 %
 * of throughput in bench/ and tells nobody anything.
 */
export async function startTelemetry(options: { serviceName: string }): Promise<Telemetry> {
  const signals = signalsFromEnv(process.env);
  if (!signals.traces && !signals.metrics) {
    return disabled;
  }
  return startSdk(options.serviceName, { signals });
}

/**
 * The one place the SDK is built: `startTelemetry` exports per the environment, the test
 * recorder passes its own span processors.
 */
export async function startSdk(
  serviceName: string,
  options: { spanProcessors?: SpanProcessor[]; signals?: SignalSwitches } = {},
): Promise<Telemetry> {
  const { spanProcessors } = options;
  const signals = options.signals ?? { traces: true, metrics: false };
  // Loaded on demand: the SDK and its exporters take ~200 ms to import, a cost a process with
  // tracing off should not pay at startup.
  const [{ NodeSDK }, { defaultResource, resourceFromAttributes }, { ATTR_SERVICE_NAME }] =
    await Promise.all([
      import("@opentelemetry/sdk-node"),
      import("@opentelemetry/resources"),
      import("@opentelemetry/semantic-conventions"),
    ]);
  // Registered after the start, read by the reader at each collection.
  const producers: MetricProducer[] = [];
  const sdk = new NodeSDK({
    // The base resource: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, read by the resource
    // detectors, take precedence over this service.name.
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName })),
    // Logs are JSON lines on stdout: left unset, the SDK would also start an OTLP log exporter.
    logRecordProcessors: [],
    // Built by the kit from the same variables, since the SDK's own cannot take producers.
    metricReaders: signals.metrics
      ? [await metricReaderFromEnv(process.env, [allOf(producers)])]
      : [],
    ...(signals.traces
      ? spanProcessors === undefined
        ? {}
        : { spanProcessors }
      : // Metrics alone: no tracer, and no context manager or propagator to pay for per call.
        // The SDK skips each one given as null (its types say only undefined).
        { spanProcessors: [], contextManager: null as never, textMapPropagator: null }),
  });
  sdk.start();
  let stopping: Promise<void> | undefined;
  return {
    // The SDK registers its meter provider globally; the process hands the meter down from here.
    meter: signals.metrics ? metrics.getMeterProvider().getMeter(serviceName) : null,
    addMetricProducer: (producer) => {
      if (signals.metrics) {
        producers.push(producer);
      }
    },
    shutdown() {
      stopping ??= boundedShutdown(sdk.shutdown());
      return stopping;
    },
  };
}

/** One producer reading `producers` as they are at each collection (added after the start). */
function allOf(producers: MetricProducer[]): MetricProducer {
  return {
    async collect(options) {
      const results = await Promise.all(producers.map((producer) => producer.collect(options)));
      return {
        resourceMetrics: {
          resource: results[0]?.resourceMetrics.resource ?? (await emptyResource()),
          scopeMetrics: results.flatMap((result) => result.resourceMetrics.scopeMetrics),
        },
        errors: results.flatMap((result) => result.errors),
      };
    },
  };
}

async function emptyResource(): Promise<Resource> {
  return (await import("@opentelemetry/resources")).emptyResource();
}

async function boundedShutdown(shutdown: Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SHUTDOWN_LIMIT_MS);
    timer.unref();
  });
  // A failed export was already reported through the SDK's diagnostics (OTEL_LOG_LEVEL).
  await Promise.race([shutdown.catch(() => {}), limit]);
  clearTimeout(timer);
}
