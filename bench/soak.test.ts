import { expect, test } from "bun:test";
import { soakMemory } from "./soak.ts";

test.each([
  {
    name: "a process that levelled off",
    samples: [70, 85, 92, 95, 96, 95],
    want: { lastMb: 95, maxMb: 96, lastThreeRange: 1 / 95 },
  },
  {
    name: "a process still growing",
    samples: [70, 90, 110, 130],
    want: { lastMb: 130, maxMb: 130, lastThreeRange: 40 / 90 },
  },
  {
    name: "skips samples taken while the process was gone",
    samples: [70, null, 80, 80],
    want: { lastMb: 80, maxMb: 80, lastThreeRange: 10 / 70 },
  },
  {
    name: "too few samples for a trend",
    samples: [70, 75],
    want: { lastMb: 75, maxMb: 75, lastThreeRange: Number.NaN },
  },
  { name: "no sample at all", samples: [null, null], want: null },
])("soakMemory: $name", ({ samples, want }) => {
  const got = soakMemory(samples);
  if (want === null) {
    expect(got).toBeNull();
    return;
  }
  expect(got?.lastMb).toBe(want.lastMb);
  expect(got?.maxMb).toBe(want.maxMb);
  if (Number.isNaN(want.lastThreeRange)) {
    expect(got?.lastThreeRange).toBeNaN();
  } else {
    expect(got?.lastThreeRange).toBeCloseTo(want.lastThreeRange, 10);
  }
});
