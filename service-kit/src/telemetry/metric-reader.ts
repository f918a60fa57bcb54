import { diag } from "@opentelemetry/api";
import type {
  MetricProducer,
  PeriodicExportingMetricReader,
  PushMetricExporter,
} from "@opentelemetry/sdk-metrics";

// The SDK builds this reader itself from OTEL_METRICS_EXPORTER when given none, but then it
// cannot take metric producers (pre-aggregated metrics: histogram-table.ts). So the kit builds
// it, from the same variables and with the same defaults as sdk-node 0.301's
// getPeriodicExportingMetricReaderFromEnv / getOtlpMetricExporterFromEnv: OTLP, or the console
// when OTEL_METRICS_EXPORTER names it (prometheus is not offered).

const DEFAULT_INTERVAL_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 30_000;

/** An OTLP exporter for the protocol OTEL_EXPORTER_OTLP(_METRICS)_PROTOCOL names. */
async function otlpMetricExporter(
  env: Record<string, string | undefined>,
): Promise<PushMetricExporter> {
  const protocol =
    (env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim() ||
    "http/protobuf";
  if (protocol === "grpc") {
    return new (await import("@opentelemetry/exporter-metrics-otlp-grpc")).OTLPMetricExporter();
  }
  if (protocol === "http/json") {
    return new (await import("@opentelemetry/exporter-metrics-otlp-http")).OTLPMetricExporter();
  }
  if (protocol !== "http/protobuf") {
    diag.warn(`Unsupported OTLP metrics protocol: "${protocol}". Using http/protobuf.`);
  }
  return new (await import("@opentelemetry/exporter-metrics-otlp-proto")).OTLPMetricExporter();
}

/**
 * The periodic OTLP reader, every OTEL_METRIC_EXPORT_INTERVAL ms (60 s by default), each export
 * given OTEL_METRIC_EXPORT_TIMEOUT ms (30 s, at most the interval), reading `producers` too.
 */
export async function metricReaderFromEnv(
  env: Record<string, string | undefined>,
  producers: MetricProducer[],
): Promise<PeriodicExportingMetricReader> {
  const exportIntervalMillis = millis(env.OTEL_METRIC_EXPORT_INTERVAL) ?? DEFAULT_INTERVAL_MS;
  const exportTimeoutMillis = Math.min(
    millis(env.OTEL_METRIC_EXPORT_TIMEOUT) ?? DEFAULT_TIMEOUT_MS,
    exportIntervalMillis,
  );
  const names = (env.OTEL_METRICS_EXPORTER ?? "").split(",").map((name) => name.trim());
  const { PeriodicExportingMetricReader, ConsoleMetricExporter } = await import(
    "@opentelemetry/sdk-metrics"
  );
  return new PeriodicExportingMetricReader({
    exporter: names.includes("console")
      ? new ConsoleMetricExporter()
      : await otlpMetricExporter(env),
    exportIntervalMillis,
    exportTimeoutMillis,
    metricProducers: producers,
  });
}

function millis(value: string | undefined): number | undefined {
  const parsed = Number(value?.trim() || Number.NaN);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}
