import { attributesOf, type KeyValue } from "./otlp-json.ts";

// OTLP/JSON metric exports (opentelemetry-proto's JSON mapping: int64 as strings), flattened
// into one plain object per data point for tests to read.

/** One data point as exported, flattened. */
export interface ReceivedPoint {
  /** The resource's service.name: which process sent it. */
  service: string;
  name: string;
  unit: string;
  type: "histogram" | "sum" | "gauge";
  attributes: Record<string, unknown>;
  /** A sum's or gauge's value; a histogram's count of measurements. */
  value: number;
  /** A histogram's sum of measurements (seconds, for a duration); 0 otherwise. */
  sum: number;
}

/** One ExportMetricsServiceRequest body. */
export interface OtlpMetricsExport {
  resourceMetrics?: {
    resource?: { attributes?: KeyValue[] };
    scopeMetrics?: { metrics?: OtlpMetric[] }[];
  }[];
}

interface OtlpPoint {
  attributes?: KeyValue[];
  asInt?: string | number;
  asDouble?: number;
  count?: string | number;
  sum?: number;
}

interface OtlpMetric {
  name: string;
  unit?: string;
  histogram?: { dataPoints?: OtlpPoint[] };
  sum?: { dataPoints?: OtlpPoint[] };
  gauge?: { dataPoints?: OtlpPoint[] };
}

/** The data points of one export, each with its resource's service.name. */
export function flattenMetricsExport(body: OtlpMetricsExport): ReceivedPoint[] {
  return (body.resourceMetrics ?? []).flatMap((resourceMetrics) => {
    const service = String(attributesOf(resourceMetrics.resource?.attributes)["service.name"]);
    return (resourceMetrics.scopeMetrics ?? []).flatMap((scope) =>
      (scope.metrics ?? []).flatMap((metric) => pointsOf(metric, service)),
    );
  });
}

function pointsOf(metric: OtlpMetric, service: string): ReceivedPoint[] {
  const type = metric.histogram ? "histogram" : metric.sum ? "sum" : "gauge";
  const points = (metric.histogram ?? metric.sum ?? metric.gauge)?.dataPoints ?? [];
  return points.map((point) => ({
    service,
    name: metric.name,
    unit: metric.unit ?? "",
    type,
    attributes: attributesOf(point.attributes),
    value: Number(type === "histogram" ? (point.count ?? 0) : (point.asInt ?? point.asDouble ?? 0)),
    sum: point.sum ?? 0,
  }));
}

/** One line per data point, for failure messages. */
export function describePoints(points: ReceivedPoint[]): string {
  return points
    .map(
      (point) =>
        `${point.service} ${point.name} ${JSON.stringify(point.attributes)} = ${point.value}`,
    )
    .join("\n");
}
