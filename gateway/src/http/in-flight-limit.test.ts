import { expect, test } from "bun:test";
import { createInFlightLimit, shedLog } from "./in-flight-limit.ts";

test("admits up to max calls, sheds the next, and admits again once one leaves", () => {
  const sheds: number[] = [];
  const limit = createInFlightLimit(2, (shed) => sheds.push(shed));

  const admitted = [limit.tryEnter(), limit.tryEnter(), limit.tryEnter(), limit.tryEnter()];
  limit.leave();
  const afterLeave = limit.tryEnter();

  expect({ admitted, afterLeave, inFlight: limit.inFlight(), shed: limit.shed(), sheds }).toEqual({
    admitted: [true, true, false, false],
    afterLeave: true,
    inFlight: 2,
    shed: 2,
    sheds: [1, 2],
  });
});

test("logs shedding at most once per interval, with the count since the last line", () => {
  const lines: unknown[] = [];
  let now = 0;
  const onShed = shedLog({ warn: (fields: unknown) => lines.push(fields) }, "a.v1.A", {
    max: 8,
    everyMs: 10_000,
    now: () => now,
  });

  for (const [at, total] of [
    [0, 1],
    [1_000, 2],
    [9_999, 3],
    [10_000, 4],
    [12_000, 5],
    [20_000, 6],
  ] as const) {
    now = at;
    onShed(total);
  }

  expect(lines).toEqual([
    { service: "a.v1.A", shed: 1, shed_total: 1, max_in_flight: 8 },
    { service: "a.v1.A", shed: 3, shed_total: 4, max_in_flight: 8 },
    { service: "a.v1.A", shed: 2, shed_total: 6, max_in_flight: 8 },
  ]);
});
