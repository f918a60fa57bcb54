import { expect, test } from "bun:test";
import { percentileOfSorted, spread } from "./stats.ts";

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
