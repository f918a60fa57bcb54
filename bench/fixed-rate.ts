import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { assertLoopback } from "./loopback.ts";
import { childEnv, runToEnd } from "./processes.ts";
import type { FixedRateResult, RunRecord } from "./scenario-result.ts";
import { percentileOfSorted } from "./stats.ts";

// An open-loop load generator, run as its own Bun process (`bun bench/fixed-rate.ts ...`):
// request i is due at start + i / rate whatever happened to the ones before it, and its latency
// runs from that due time, not from when it was actually sent. A stalled server therefore shows
// up as latency instead of silently lowering the load (no coordinated omission). The first
// `--warmup` seconds are sent but not counted. Request i is the (i mod n)th of the rotation it
// was given (one GET, or a mix such as the soak's). Prints one JSON line: FixedRateResult.

/**
 * One request of the rotation. A body is sent as JSON, with the Origin the gateway's CSRF check
 * wants.
 */
export interface FixedRequest {
  method: "GET" | "POST";
  url: string;
  body?: string;
}

export interface FixedRateOptions {
  requests: FixedRequest[];
  rate: number;
  durationS: number;
  warmupS: number;
  /** Session cookies to rotate over, one `<id>.<secret>` a line. */
  tokensFile?: string;
  cookieName?: string;
}

/** Requests beyond this many in flight are dropped (and counted): memory stays bounded. */
const MAX_IN_FLIGHT = 2_000;
const REQUEST_TIMEOUT_MS = 5_000;

/** Runs the generator as a separate process and returns its report. */
export async function runFixedRate(options: FixedRateOptions): Promise<FixedRateResult> {
  for (const request of options.requests) {
    assertLoopback(request.url);
  }
  const args = [
    `--requests=${JSON.stringify(options.requests)}`,
    `--rate=${options.rate}`,
    `--duration=${options.durationS}`,
    `--warmup=${options.warmupS}`,
    ...(options.tokensFile === undefined ? [] : [`--tokens=${options.tokensFile}`]),
    ...(options.cookieName === undefined ? [] : [`--cookie=${options.cookieName}`]),
  ];
  const { stdout, cpuSeconds } = await runToEnd({
    name: "fixed-rate",
    command: [process.execPath, import.meta.path, ...args],
    env: childEnv({}),
    timeoutMs: (options.durationS + options.warmupS + 30) * 1000,
  });
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return { ...(JSON.parse(line) as FixedRateResult), generatorCpuSeconds: cpuSeconds };
}

/** The generator's report as the one run of its scenario: any error fails it. */
export function fixedRateRecord(result: FixedRateResult): RunRecord {
  const errors = Object.values(result.errors).reduce((sum, count) => sum + count, 0);
  return {
    requestsPerSecond: result.achievedRate,
    latencyMs: { p50: result.latencyMs.p50, p90: result.latencyMs.p90, p99: result.latencyMs.p99 },
    errors,
    errorDetail:
      errors > 0 ? JSON.stringify({ ...result.errors, statuses: result.statuses }) : null,
  };
}

interface Sample {
  /** Which of the rotation's distinct requests it was (an index into their labels). */
  request: number;
  latencyMs: number;
  serviceMs: number;
}

/** One generator run: what its sends share and record, read back for the report. */
interface Run {
  options: FixedRateOptions;
  cookies: (string | undefined)[];
  /** For each request of the rotation, which of its distinct requests it is. */
  kindOf: number[];
  /** The first request index past the warm-up. */
  measuredFrom: number;
  samples: Sample[];
  errors: FixedRateResult["errors"];
  statuses: Record<string, number>;
  maxSendLagMs: number;
}

async function generate(options: FixedRateOptions): Promise<FixedRateResult> {
  const cookies = readCookies(options);
  // A request that comes back in the rotation is reported once, over all its sends.
  const labels = [...new Set(options.requests.map(label))];
  const run: Run = {
    options,
    cookies,
    kindOf: options.requests.map((request) => labels.indexOf(label(request))),
    measuredFrom: Math.round(options.warmupS * options.rate),
    samples: [],
    errors: { status: 0, network: 0, timeout: 0, dropped: 0 },
    statuses: {},
    maxSendLagMs: 0,
  };
  const total = Math.round((options.warmupS + options.durationS) * options.rate);
  await sendOnSchedule(run, total);
  return report(run, labels, total - run.measuredFrom);
}

/** One `cookie` header value per session token of the file; one undefined without a file. */
function readCookies(options: FixedRateOptions): (string | undefined)[] {
  return options.tokensFile === undefined
    ? [undefined]
    : readFileSync(options.tokensFile, "utf8")
        .split("\n")
        .filter((token) => token !== "")
        .map((token) => `${options.cookieName ?? "session"}=${token}`);
}

/** Sends request i when it is due, however many are still in flight (up to MAX_IN_FLIGHT). */
async function sendOnSchedule(run: Run, total: number): Promise<void> {
  const intervalMs = 1000 / run.options.rate;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now() + 50;
  for (let index = 0; index < total; ) {
    const now = performance.now();
    for (; index < total && start + index * intervalMs <= now; index++) {
      if (inFlight.size >= MAX_IN_FLIGHT) {
        if (index >= run.measuredFrom) {
          run.errors.dropped++;
        }
        continue;
      }
      const request = send(run, index, start + index * intervalMs);
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
    await Bun.sleep(Math.max(1, start + index * intervalMs - performance.now()));
  }
  await Promise.all(inFlight);
}

/** Sends request `index`, due at `dueAt`, and records its outcome if it is past the warm-up. */
async function send(run: Run, index: number, dueAt: number): Promise<void> {
  const measured = index >= run.measuredFrom;
  const sentAt = performance.now();
  if (measured) {
    run.maxSendLagMs = Math.max(run.maxSendLagMs, sentAt - dueAt);
  }
  const { options, cookies, samples, errors, statuses } = run;
  const cookie = cookies[index % cookies.length];
  const request = options.requests[index % options.requests.length] as FixedRequest;
  const kind = run.kindOf[index % options.requests.length] ?? 0;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: headersFor(request, cookie),
      body: request.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    const doneAt = performance.now();
    if (!measured) {
      return;
    }
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    if (response.status >= 200 && response.status < 300) {
      samples.push({ request: kind, latencyMs: doneAt - dueAt, serviceMs: doneAt - sentAt });
    } else {
      errors.status++;
    }
  } catch (error) {
    if (measured) {
      const timedOut = error instanceof DOMException && error.name === "TimeoutError";
      errors[timedOut ? "timeout" : "network"]++;
    }
  }
}

/** The run's report; `scheduled` is how many requests were due in the measured window. */
function report(run: Run, labels: string[], scheduled: number): FixedRateResult {
  const { options, samples } = run;
  const latencies = Float64Array.from(samples, (sample) => sample.latencyMs).sort();
  const service = Float64Array.from(samples, (sample) => sample.serviceMs).sort();
  return {
    requests: labels,
    targetRate: options.rate,
    durationS: options.durationS,
    scheduled,
    succeeded: samples.length,
    achievedRate: samples.length / options.durationS,
    latencyMs: latencySummary(latencies),
    serviceTimeMs: { p50: percentileOfSorted(service, 50), p99: percentileOfSorted(service, 99) },
    maxSendLagMs: run.maxSendLagMs,
    errors: run.errors,
    statuses: run.statuses,
    byRequest: labels.map((request, kind) => ownLatency(samples, request, kind)),
    generatorCpuSeconds: Number.NaN,
  };
}

function latencySummary(sorted: Float64Array): FixedRateResult["latencyMs"] {
  return {
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p99: percentileOfSorted(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1),
  };
}

/** One distinct request's successes and latency, apart from the rest of the rotation. */
function ownLatency(
  samples: Sample[],
  request: string,
  kind: number,
): FixedRateResult["byRequest"][number] {
  const own = Float64Array.from(
    samples.filter((sample) => sample.request === kind),
    (sample) => sample.latencyMs,
  ).sort();
  return {
    request,
    succeeded: own.length,
    latencyMs: { p50: percentileOfSorted(own, 50), p99: percentileOfSorted(own, 99) },
  };
}

function headersFor(request: FixedRequest, cookie: string | undefined): Record<string, string> {
  const headers: Record<string, string> = cookie === undefined ? {} : { cookie };
  if (request.body !== undefined) {
    headers.origin = new URL(request.url).origin;
    headers["content-type"] = "application/json";
  }
  return headers;
}

function label(request: FixedRequest): string {
  const url = new URL(request.url);
  return `${request.method} ${url.pathname}${url.search}`;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      requests: { type: "string" },
      rate: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string", default: "0" },
      tokens: { type: "string" },
      cookie: { type: "string" },
    },
  });
  const rate = Number(values.rate);
  const durationS = Number(values.duration);
  const warmupS = Number(values.warmup);
  const requests: FixedRequest[] =
    values.requests !== undefined
      ? (JSON.parse(values.requests) as FixedRequest[])
      : values.url !== undefined
        ? [{ method: "GET", url: values.url }]
        : [];
  if (requests.length === 0 || !(rate > 0) || !(durationS > 0) || !(warmupS >= 0)) {
    throw new Error(
      "usage: bun fixed-rate.ts (--url=URL | --requests=JSON) --rate=N --duration=S [--warmup=S]",
    );
  }
  for (const request of requests) {
    assertLoopback(request.url);
  }
  const result = await generate({
    requests,
    rate,
    durationS,
    warmupS,
    tokensFile: values.tokens,
    cookieName: values.cookie,
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
