import type { Meter } from "@opentelemetry/api";
import {
  DataPointType,
  MeterProvider,
  type MetricData,
  type MetricProducer,
  MetricReader,
} from "@opentelemetry/sdk-metrics";

/** A metric data point as collected, flattened (the shape a receiver's `points()` has, less service). */
export interface CollectedPoint {
  name: string;
  unit: string;
  attributes: Record<string, unknown>;
  /** A sum's or gauge's value; a histogram's count of measurements. */
  value: number;
  /** A histogram's sum of measurements; 0 otherwise. */
  sum: number;
}

/** A meter backed by the real SDK, and what it has measured so far, on demand. */
export interface MetricsRecorder {
  meter: Meter;
  /** Metrics aggregated by the code under test, collected with the meter's (Telemetry's). */
  addProducer(producer: MetricProducer): void;
  /** Collects every instrument and producer now (observable ones call their callbacks). */
  collect(): Promise<CollectedPoint[]>;
  stop(): Promise<void>;
}

/** A reader that collects only when asked: tests read the numbers, nothing is exported. */
class OnDemandReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The SDK's MeterProvider with a reader that collects on demand: pass `meter` to the code under
 * test, then read what it recorded. Not global, so any number may run at once.
 */
export function recordMetrics(): MetricsRecorder {
  const reader = new OnDemandReader();
  const provider = new MeterProvider({ readers: [reader] });
  const producers: MetricProducer[] = [];
  return {
    meter: provider.getMeter("test"),
    addProducer: (producer) => producers.push(producer),
    async collect() {
      const results = [
        await reader.collect(),
        ...(await Promise.all(producers.map((p) => p.collect()))),
      ];
      return results.flatMap(({ resourceMetrics }) =>
        resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.flatMap(pointsOf)),
      );
    },
    stop: () => provider.shutdown(),
  };
}

function pointsOf(metric: MetricData): CollectedPoint[] {
  const { name, unit } = metric.descriptor;
  if (metric.dataPointType === DataPointType.HISTOGRAM) {
    return metric.dataPoints.map((point) => ({
      name,
      unit,
      attributes: { ...point.attributes },
      value: point.value.count,
      sum: point.value.sum ?? 0,
    }));
  }
  if (metric.dataPointType === DataPointType.EXPONENTIAL_HISTOGRAM) {
    return [];
  }
  return metric.dataPoints.map((point) => ({
    name,
    unit,
    attributes: { ...point.attributes },
    value: point.value,
    sum: 0,
  }));
}
