import { expect, test } from "bun:test";
import { parseWrkOutput, type WrkResult, wrkErrorCount, wrkErrorDetail } from "./wrk.ts";

const clean = `Running 10s test @ http://127.0.0.1:40000/api/me
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    26.12ms   10.02ms 120.50ms   70.00%
    Req/Sec     1.22k   100.00     1.50k    68.00%
  Latency Distribution
     50%   25.20ms
     75%   31.00ms
     90%   37.10ms
     99%   55.20ms
  24418 requests in 10.10s, 10.00MB read
Requests/sec:   2418.12
Transfer/sec:      0.99MB
non-2xx statuses: 
`;

const failing = `Running 10s test @ http://127.0.0.1:40000/api/notes?page_size=20
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   140.00ms  200.00ms   2.00s    90.00%
    Req/Sec   270.00    50.00   400.00     70.00%
  Latency Distribution
     50%  101.00ms
     75%  150.00ms
     90%  224.00ms
     99%  903.49ms
  5460 requests in 10.10s, 20.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:    540.59
Transfer/sec:      1.98MB
non-2xx statuses: 504=3 302=1
`;

const plain = `Running 3s test @ http://127.0.0.1:40000/healthz
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   509.00us  100.00us   1.00m    90.00%
    Req/Sec    18.00k     1.00k   20.00k    70.00%
  Latency Distribution
     50%  512.00us
     75%  700.00us
     90%    1.20ms
     99%    2.00s
  108000 requests in 3.00s, 20.00MB read
Requests/sec:  35950.10
Transfer/sec:      6.00MB
`;

interface Case {
  name: string;
  text: string;
  want: Omit<WrkResult, "generatorCpuSeconds">;
  errors: number;
}

const cases: Case[] = [
  {
    name: "reads a clean run with the script's empty status line",
    text: clean,
    want: {
      requestsPerSecond: 2418.12,
      requests: 24418,
      durationS: 10.1,
      latencyMs: { p50: 25.2, p75: 31, p90: 37.1, p99: 55.2, mean: 26.12, max: 120.5 },
      non2xx: 0,
      statuses: {},
      socketErrors: { connect: 0, read: 0, write: 0, timeout: 0 },
    },
    errors: 0,
  },
  {
    name: "counts the script's statuses, 3xx included, and socket errors",
    text: failing,
    want: {
      requestsPerSecond: 540.59,
      requests: 5460,
      durationS: 10.1,
      latencyMs: { p50: 101, p75: 150, p90: 224, p99: 903.49, mean: 140, max: 2000 },
      non2xx: 3,
      statuses: { "504": 3, "302": 1 },
      socketErrors: { connect: 0, read: 1, write: 0, timeout: 2 },
    },
    errors: 7,
  },
  {
    name: "converts µs, s and minutes, without the script",
    text: plain,
    want: {
      requestsPerSecond: 35950.1,
      requests: 108000,
      durationS: 3,
      latencyMs: { p50: 0.512, p75: 0.7, p90: 1.2, p99: 2000, mean: 0.509, max: 60000 },
      non2xx: 0,
      statuses: null,
      socketErrors: { connect: 0, read: 0, write: 0, timeout: 0 },
    },
    errors: 0,
  },
];

test.each(cases)("$name", ({ text, want, errors }) => {
  const got = parseWrkOutput(text);
  expect(got).toEqual(want);
  expect(wrkErrorCount({ ...got, generatorCpuSeconds: 0 })).toBe(errors);
});

test("describes the errors of a failed run", () => {
  const got = wrkErrorDetail({ ...parseWrkOutput(failing), generatorCpuSeconds: 0 });
  expect(got).toBe(
    "4 non-2xx responses (1 × 302, 3 × 504), socket errors: connect 0, read 1, write 0, timeout 2",
  );
});

test("refuses output without a Requests/sec line", () => {
  expect(() => parseWrkOutput("unable to connect to 127.0.0.1:1 Connection refused")).toThrow(
    /Requests\/sec/,
  );
});
