import { expect, test } from "bun:test";
import { parsePgbenchOutput } from "./baselines.ts";

const selectOnly = `pgbench (15.20 (Debian 15.20-0+deb12u1))
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

// pgbench 15 with -f bench/pgbench/insert-note.sql, as printed on this machine.
const customScript = `pgbench (15.20 (Debian 15.20-0+deb12u1))
transaction type: /work/main/bench/pgbench/insert-note.sql
scaling factor: 1
query mode: simple
number of clients: 16
number of threads: 2
maximum number of tries: 1
duration: 3 s
number of transactions actually processed: 6134
number of failed transactions: 0 (0.000%)
latency average = 7.066 ms
initial connection time = 338.288 ms
tps = 2264.480548 (without initial connection time)
`;

// Serialization or deadlock failures are counted, not fatal (other SQL errors abort pgbench).
const withFailures = customScript.replace(
  "number of failed transactions: 0 (0.000%)",
  "number of failed transactions: 12 (0.196%)",
);

test.each([
  {
    name: "the built-in select-only script",
    text: selectOnly,
    want: { tps: 18295.123456, latencyAverageMs: 0.875, transactions: 182950, failed: 0 },
  },
  {
    name: "a custom script (-f)",
    text: customScript,
    want: { tps: 2264.480548, latencyAverageMs: 7.066, transactions: 6134, failed: 0 },
  },
  {
    name: "failed transactions",
    text: withFailures,
    want: { tps: 2264.480548, latencyAverageMs: 7.066, transactions: 6134, failed: 12 },
  },
])("reads pgbench's tps, latency and counts: $name", ({ text, want }) => {
  expect(parsePgbenchOutput(text)).toEqual(want);
});

test("refuses output without a tps line", () => {
  expect(() => parsePgbenchOutput("connection to server failed")).toThrow(/tps/);
});
