import { type OtlpReceiver, startOtlpReceiver } from "@trellis/testing";
import type { Targets } from "./measure-runs.ts";
import { progress } from "./measure-runs.ts";
import type { SeededStack } from "./seeded-stack.ts";
import { startGatewayVariant } from "./stack.ts";

// The metrics variant of the gateway (scenario me-metrics): a second gateway on the same
// services, the same but for OpenTelemetry metrics, exporting to a sink on loopback that only
// counts what arrives. `me` runs in turns with it, so their ratio is what metrics cost.

/** How often the variant exports: 10 s, so that each measured run includes an export. */
const EXPORT_INTERVAL_MS = "10000";

/** Starts the sink and the variant, and points `targets` at it; returns the sink. */
export async function startMetricsGateway(
  seededStack: SeededStack,
  stackEnv: Record<string, string>,
  targets: Targets,
  launchedFrom: Record<string, string>,
): Promise<OtlpReceiver> {
  const sink = startOtlpReceiver({ keepSpans: false });
  const gateway = await startGatewayVariant(
    seededStack.stack,
    {
      ...stackEnv,
      OTEL_SDK_DISABLED: "false",
      OTEL_METRICS_EXPORTER: "otlp",
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${sink.url}/v1/metrics`,
      OTEL_METRIC_EXPORT_INTERVAL: EXPORT_INTERVAL_MS,
    },
    "gateway-metrics",
  );
  targets.urls["gateway-metrics"] = gateway.url;
  targets.processes["gateway-metrics"] = gateway.child;
  launchedFrom["gateway-metrics"] = `${gateway.from}, metrics on`;
  progress(`gateway-metrics: ${gateway.from}, exporting metrics every 10 s to ${sink.url}`);
  return sink;
}
