import { expect, test } from "bun:test";
import { type DataPoint, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import fc from "fast-check";
import { DURATION_BUCKETS_SECONDS } from "../src/telemetry/duration-buckets.ts";
import { createHistogramTable } from "../src/telemetry/histogram-table.ts";

// The table stands in for an SDK histogram: whatever is measured, it must export what the SDK's
// own histogram with the same bounds would (buckets, count, sum, min, max, attributes).

const BOUNDS = DURATION_BUCKETS_SECONDS;
// Around the bounds too: a value equal to a bound is in that bound's bucket.
const value = fc.oneof(fc.double({ min: 0, max: 20, noNaN: true }), fc.constantFrom(...BOUNDS, 0));

/** A reader that collects on demand, reading the table through its producer. */
class OnDemandReader extends MetricReader {
  protected override onShutdown = async (): Promise<void> => {};
  protected override onForceFlush = async (): Promise<void> => {};
}

async function exportedBoth(series: { attributes: { k: string }; values: number[] }[]) {
  const table = createHistogramTable({
    scope: "test",
    name: "ours",
    description: "",
    unit: "s",
    boundaries: BOUNDS,
  });
  const reader = new OnDemandReader({ metricProducers: [table.producer] });
  const provider = new MeterProvider({ readers: [reader] });
  const sdk = provider.getMeter("test").createHistogram("sdk", {
    advice: { explicitBucketBoundaries: BOUNDS },
  });
  for (const { attributes, values } of series) {
    const ours = table.series(attributes);
    for (const v of values) {
      sdk.record(v, attributes);
      ours.record(v);
    }
  }
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  const pointsOf = (name: string) =>
    resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .filter((metric) => metric.descriptor.name === name)
      .flatMap((metric) =>
        (metric.dataPoints as DataPoint<unknown>[]).map(({ attributes, value }) => ({
          attributes,
          value,
        })),
      );
  return { sdkPoints: pointsOf("sdk"), ourPoints: pointsOf("ours") };
}

test("exports what the SDK's histogram exports for the same measurements", async () => {
  const seriesList = fc.uniqueArray(
    fc.record({
      attributes: fc.record({ k: fc.constantFrom("a", "b", "c") }),
      values: fc.array(value, { maxLength: 30 }),
    }),
    { selector: (s) => s.attributes.k, maxLength: 3 },
  );
  await fc.assert(
    fc.asyncProperty(seriesList, async (series) => {
      const { sdkPoints, ourPoints } = await exportedBoth(series);
      expect(ourPoints).toEqual(sdkPoints);
    }),
    { numRuns: 100 },
  );
});

test("a series with no measurement is not exported; the descriptor is the instrument's", async () => {
  const table = createHistogramTable({
    scope: "gateway",
    name: "http.server.request.duration",
    description: "d",
    unit: "s",
    boundaries: BOUNDS,
  });
  table.series({ k: "never" });
  table.series({ k: "once" }).record(0.002);

  const { resourceMetrics } = await table.producer.collect();

  expect(resourceMetrics.scopeMetrics.map((scope) => scope.scope.name)).toEqual(["gateway"]);
  const [metric] = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  expect(metric?.descriptor).toMatchObject({ name: "http.server.request.duration", unit: "s" });
  expect(metric?.dataPoints.map((point) => point.attributes)).toEqual([{ k: "once" }]);
});
