import { type Attributes, ValueType } from "@opentelemetry/api";
import type {
  CollectionResult,
  HistogramMetricData,
  MetricProducer,
} from "@opentelemetry/sdk-metrics";

// A histogram aggregated by us and handed to the SDK's reader when it collects, for the one
// measurement every request makes. The SDK's own `histogram.record` hashes the measurement's
// attributes each time (it sorts their keys and JSON.stringifies them): the JavaScript SDK has no
// bound instruments. Here the caller keeps one series per attribute set and a measurement is a
// bucket search and three additions (bench/investigations/metrics-cost.md has the numbers).

/** What the table is exported as: the fields of the SDK instrument it stands for. */
export interface HistogramDescriptor {
  /** The instrumentation scope, as the process's meter is named. */
  scope: string;
  name: string;
  description: string;
  unit: string;
  /** Bucket upper bounds, inclusive, ascending (the instrument's explicitBucketBoundaries). */
  boundaries: number[];
}

/** One attribute set's measurements. */
export interface HistogramSeries {
  record(value: number): void;
}

/** Series by attribute set, and the producer that reads them all at each collection. */
export interface HistogramTable {
  /** A new series for `attributes`; keep it: two series of the same attributes are two points. */
  series(attributes: Attributes): HistogramSeries;
  producer: MetricProducer;
}

interface Cell {
  attributes: Attributes;
  counts: number[];
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * A histogram with explicit buckets, cumulative from the table's creation, as the SDK's
 * histogram aggregation would export it (count, sum, min, max, one count per bucket).
 */
export function createHistogramTable(descriptor: HistogramDescriptor): HistogramTable {
  const cells: Cell[] = [];
  // Epoch milliseconds, as the SDK's hrTime() reads the clock.
  const startMs = performance.timeOrigin + performance.now();
  return {
    series(attributes) {
      const cell: Cell = {
        attributes,
        counts: new Array<number>(descriptor.boundaries.length + 1).fill(0),
        count: 0,
        sum: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
      };
      cells.push(cell);
      return { record: (value) => recordInto(cell, descriptor.boundaries, value) };
    },
    producer: {
      collect: () => collected(descriptor, cells, startMs),
    },
  };
}

function recordInto(cell: Cell, boundaries: number[], value: number): void {
  if (Number.isNaN(value)) {
    return;
  }
  // Linear: the bounds are few and most durations fall in the first buckets. A value equal to a
  // bound belongs to that bound's bucket, as in the SDK.
  let bucket = 0;
  while (bucket < boundaries.length && (boundaries[bucket] as number) < value) {
    bucket++;
  }
  cell.counts[bucket] = (cell.counts[bucket] as number) + 1;
  cell.count++;
  cell.sum += value;
  if (value < cell.min) {
    cell.min = value;
  }
  if (value > cell.max) {
    cell.max = value;
  }
}

// Loaded at the first collection, as start.ts loads the SDK: a process with metrics off, which
// still imports this module, should not pay for importing the SDK.
async function collected(
  descriptor: HistogramDescriptor,
  cells: Cell[],
  startMs: number,
): Promise<CollectionResult> {
  const [{ AggregationTemporality, DataPointType }, { emptyResource }, { hrTime, millisToHrTime }] =
    await Promise.all([
      import("@opentelemetry/sdk-metrics"),
      import("@opentelemetry/resources"),
      import("@opentelemetry/core"),
    ]);
  const startTime = millisToHrTime(startMs);
  const endTime = hrTime();
  const metric: HistogramMetricData = {
    descriptor: {
      name: descriptor.name,
      description: descriptor.description,
      unit: descriptor.unit,
      valueType: ValueType.DOUBLE,
    },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.HISTOGRAM,
    // A series with no measurement yet is left out, as the SDK leaves out attributes never seen.
    dataPoints: cells
      .filter((cell) => cell.count > 0)
      .map((cell) => ({
        attributes: cell.attributes,
        startTime,
        endTime,
        value: {
          buckets: { boundaries: descriptor.boundaries, counts: [...cell.counts] },
          count: cell.count,
          sum: cell.sum,
          min: cell.min,
          max: cell.max,
        },
      })),
  };
  return {
    // The reader keeps its own resource (the SDK's) and takes only the scopes from here.
    resourceMetrics: {
      resource: emptyResource(),
      scopeMetrics: [{ scope: { name: descriptor.scope }, metrics: [metric] }],
    },
    errors: [],
  };
}
