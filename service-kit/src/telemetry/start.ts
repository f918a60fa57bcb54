import type { SpanProcessor } from "@opentelemetry/sdk-trace";

/** What `startTelemetry` hands back to the process's graceful stop. */
export interface Telemetry {
  /**
   * Exports the spans still buffered, then stops the SDK. Call it last in a graceful stop. It
   * never rejects, and gives up after SHUTDOWN_LIMIT_MS when the collector does not answer.
   */
  shutdown(): Promise<void>;
}

/** A stop never waits longer than this on a collector that is down. */
const SHUTDOWN_LIMIT_MS = 2_000;

const disabled: Telemetry = { shutdown: async () => {} };

/**
 * Starts the OpenTelemetry Node SDK for traces, configured only by the standard OTEL_*
 * variables: OTEL_SDK_DISABLED, OTEL_SERVICE_NAME (else `serviceName`), OTEL_RESOURCE_ATTRIBUTES,
 * OTEL_EXPORTER_OTLP_ENDPOINT / _PROTOCOL (OTLP over HTTP, protobuf by default),
 * OTEL_TRACES_SAMPLER, OTEL_BSP_*, OTEL_PROPAGATORS (W3C trace context by default), ...
 * Registers the global tracer provider, propagator and an AsyncLocalStorage context manager,
 * which the kit's gRPC, SQL and log code read. Disabled, it loads nothing and costs nothing.
 *
 * Unlike the SDK's own default, it stays off until an OTLP endpoint is named
 * (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT): exporting to a collector
 * that is not there cost 20-25 % of throughput in bench/ and tells nobody anything.
 */
export async function startTelemetry(options: { serviceName: string }): Promise<Telemetry> {
  const env = process.env;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (isDisabled(env.OTEL_SDK_DISABLED) || !endpoint) {
    return disabled;
  }
  return startSdk(options.serviceName);
}

/**
 * The one place the SDK is built: `startTelemetry` exports per the environment, the test
 * recorder passes its own span processors.
 */
export async function startSdk(
  serviceName: string,
  spanProcessors?: SpanProcessor[],
): Promise<Telemetry> {
  // Loaded on demand: the SDK and its exporters take ~200 ms to import, a cost a process with
  // tracing off should not pay at startup.
  const [{ NodeSDK }, { defaultResource, resourceFromAttributes }, { ATTR_SERVICE_NAME }] =
    await Promise.all([
      import("@opentelemetry/sdk-node"),
      import("@opentelemetry/resources"),
      import("@opentelemetry/semantic-conventions"),
    ]);
  const sdk = new NodeSDK({
    // The base resource: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, read by the resource
    // detectors, take precedence over this service.name.
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName })),
    // Traces only. Logs are JSON lines on stdout and there are no metrics yet; left unset, the SDK
    // would also start OTLP log and metric exporters, which Jaeger does not accept.
    metricReaders: [],
    logRecordProcessors: [],
    ...(spanProcessors === undefined ? {} : { spanProcessors }),
  });
  sdk.start();
  let stopping: Promise<void> | undefined;
  return {
    shutdown() {
      stopping ??= boundedShutdown(sdk.shutdown());
      return stopping;
    },
  };
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

/** OTEL_SDK_DISABLED is a boolean per the spec: only "true" (any case) disables. */
function isDisabled(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === "true";
}
