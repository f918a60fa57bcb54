import { expect, test } from "bun:test";
import { lastOverFirst, percentileOfSorted, rangeOfLast, spread } from "./stats.ts";

test.each([
  {
    name: "takes the middle of an odd count",
    values: [3, 1, 2],
    want: { median: 2, min: 1, max: 3 },
  },
  {
    name: "averages the middle pair of an even count",
    values: [4, 1, 3, 2],
    want: { median: 2.5, min: 1, max: 4 },
  },
  { name: "keeps a single run", values: [7], want: { median: 7, min: 7, max: 7 } },
])("spread $name", ({ values, want }) => {
  expect(spread(values)).toEqual(want);
});

test.each([
  { percent: 0, want: 10 },
  { percent: 50, want: 30 },
  { percent: 90, want: 46 },
  { percent: 100, want: 50 },
])("percentile $percent of 10..50", ({ percent, want }) => {
  expect(percentileOfSorted([10, 20, 30, 40, 50], percent)).toBeCloseTo(want);
});

test("has no percentile of nothing", () => {
  expect(percentileOfSorted([], 50)).toBeNaN();
});

test.each([
  { name: "a steady run keeps 1.0", windows: [1000, 990, 1010, 1000], want: 1 },
  { name: "a run that slows down", windows: [1000, 950, 900, 850, 800, 700], want: 0.7 },
  { name: "ignores the middle windows", windows: [500, 100, 2000, 500], want: 1 },
  { name: "a run that speeds up", windows: [400, 800], want: 2 },
  { name: "needs two windows", windows: [1000], want: Number.NaN },
  { name: "needs a first window that served", windows: [0, 500], want: Number.NaN },
  { name: "has nothing to say of no windows", windows: [], want: Number.NaN },
])("lastOverFirst: $name", ({ windows, want }) => {
  expect(lastOverFirst(windows)).toEqual(want);
});

test.each([
  { name: "flat samples", values: [70, 80, 90, 90, 90], count: 3, want: 0 },
  { name: "only the last three count", values: [10, 200, 100, 104, 102], count: 3, want: 0.04 },
  { name: "a rise of 10% over the last three", values: [80, 100, 105, 110], count: 3, want: 0.1 },
  { name: "a fall counts the same as a rise", values: [110, 100, 105], count: 3, want: 0.1 },
  { name: "too few samples", values: [100, 100], count: 3, want: Number.NaN },
  { name: "a zero sample", values: [0, 100, 100], count: 3, want: Number.NaN },
])("rangeOfLast: $name", ({ values, count, want }) => {
  const got = rangeOfLast(values, count);
  if (Number.isNaN(want)) {
    expect(got).toBeNaN();
  } else {
    expect(got).toBeCloseTo(want, 10);
  }
});
