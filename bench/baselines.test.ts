import { expect, test } from "bun:test";
import { parsePgbenchOutput } from "./baselines.ts";

const output = `pgbench (15.20 (Debian 15.20-0+deb12u1))
transaction type: <builtin: select only>
scaling factor: 1
query mode: simple
number of clients: 16
number of threads: 2
maximum number of tries: 1
duration: 10 s
number of transactions actually processed: 182950
number of failed transactions: 0 (0.000%)
latency average = 0.875 ms
initial connection time = 20.123 ms
tps = 18295.123456 (without initial connection time)
`;

test("reads pgbench's tps, latency and counts", () => {
  expect(parsePgbenchOutput(output)).toEqual({
    tps: 18295.123456,
    latencyAverageMs: 0.875,
    transactions: 182950,
    failed: 0,
  });
});

test("refuses output without a tps line", () => {
  expect(() => parsePgbenchOutput("connection to server failed")).toThrow(/tps/);
});
