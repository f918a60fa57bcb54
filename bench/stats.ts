/** The middle value and the range of a handful of runs. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: percentileOfSorted(sorted, 50),
    min: sorted[0] ?? NaN,
    max: sorted.at(-1) ?? NaN,
  };
}

/**
 * The value below which `percent` of `sorted` (ascending) falls, interpolating between the two
 * nearest ranks; NaN when empty.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, percent: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const rank = (percent / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] ?? Number.NaN;
  const highValue = sorted[high] ?? Number.NaN;
  return lowValue + (highValue - lowValue) * (rank - low);
}

/**
 * The last value ÷ the first: how much of its first window's throughput a long run still
 * delivers in its last. NaN with fewer than two values or a first value that is not positive.
 */
export function lastOverFirst(values: readonly number[]): number {
  const first = values[0];
  const last = values.at(-1);
  if (values.length < 2 || first === undefined || last === undefined || !(first > 0)) {
    return Number.NaN;
  }
  return last / first;
}

/**
 * (max - min) ÷ min of the last `count` values: how far apart they are, as a share of the
 * smallest (0.05: within 5% of each other). NaN when there are fewer than `count`.
 */
export function rangeOfLast(values: readonly number[], count: number): number {
  if (values.length < count || count < 1) {
    return Number.NaN;
  }
  const last = values.slice(-count);
  const min = Math.min(...last);
  return min > 0 ? (Math.max(...last) - min) / min : Number.NaN;
}
