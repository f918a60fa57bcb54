import { expect, test } from "bun:test";
import { joinIntervals, type Snapshot, usageBetween } from "./usage.ts";

function at(
  seconds: number,
  cpu: { gateway: number | null; postgres: number; busy: number; irq: number },
): Snapshot {
  return {
    atMs: seconds * 1000,
    cpu: { gateway: cpu.gateway },
    postgres: cpu.postgres,
    machine: { busy: cpu.busy, interrupts: cpu.irq },
    self: 0,
  };
}

const noRss = { roles: [], before: {}, after: {} };

test("joined intervals average over their own time, not the gap the other scenario had", () => {
  // Two 5 s runs, 100 s apart: 4 CPU seconds of the gateway in each, none in between.
  const [before, after] = joinIntervals([
    [
      at(0, { gateway: 10, postgres: 1, busy: 20, irq: 1 }),
      at(5, { gateway: 14, postgres: 2, busy: 27, irq: 2 }),
    ],
    [
      at(105, { gateway: 14, postgres: 2, busy: 30, irq: 2 }),
      at(110, { gateway: 18, postgres: 3, busy: 37, irq: 3 }),
    ],
  ]);
  const { cores } = usageBetween(before, after, 2, noRss);
  expect(cores.gateway).toBeCloseTo(0.8);
  expect(cores.postgres).toBeCloseTo(0.2);
  expect(cores["load generator"]).toBeCloseTo(0.2);
  expect(cores["kernel irq"]).toBeCloseTo(0.2);
  // 14 busy - 2 irq - (8 + 2 + 2) accounted = 0 over 10 s.
  expect(cores.other).toBeCloseTo(0);
});

test("a process whose CPU could not be read in one interval has none reported", () => {
  const [before, after] = joinIntervals([
    [
      at(0, { gateway: 1, postgres: 0, busy: 0, irq: 0 }),
      at(5, { gateway: null, postgres: 0, busy: 0, irq: 0 }),
    ],
    [
      at(10, { gateway: 3, postgres: 0, busy: 0, irq: 0 }),
      at(15, { gateway: 4, postgres: 0, busy: 0, irq: 0 }),
    ],
  ]);
  expect(usageBetween(before, after, 0, noRss).cores.gateway).toBeUndefined();
});
