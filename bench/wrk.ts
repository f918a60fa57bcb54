import { assertLoopback } from "./loopback.ts";
import { childEnv, runToEnd } from "./processes.ts";

// wrk (the Debian package) as the closed-loop load generator: a fixed number of connections,
// each sending its next request as soon as the previous answer arrives.

export interface WrkResult {
  requestsPerSecond: number;
  requests: number;
  durationS: number;
  /** From `--latency`: wrk prints the 50th, 75th, 90th and 99th percentiles. */
  latencyMs: { p50: number; p75: number; p90: number; p99: number; mean: number; max: number };
  /** wrk's "Non-2xx or 3xx responses" (statuses above 399). */
  non2xx: number;
  /** Every status outside 2xx by code, 3xx included: only when run with bench/wrk/requests.lua. */
  statuses: Record<string, number> | null;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  /** CPU seconds wrk itself used (it shares the machine with the servers). */
  generatorCpuSeconds: number;
}

export interface WrkOptions {
  url: string;
  durationS: number;
  threads: number;
  connections: number;
  /** A Lua script and the arguments it reads in init(). */
  script?: { path: string; args: string[] };
}

/** The path of wrk, installing the Debian package first when it is missing. */
export async function ensureWrk(): Promise<string> {
  const found = Bun.which("wrk");
  if (found !== null) {
    return found;
  }
  if (process.getuid?.() !== 0) {
    throw new Error("wrk is not installed: install it (Debian/Ubuntu: sudo apt-get install wrk)");
  }
  console.log("wrk is not installed: running `apt-get install -y wrk`");
  const install = (command: string[]): Promise<unknown> =>
    runToEnd({
      name: command.join(" "),
      command,
      env: childEnv({ DEBIAN_FRONTEND: "noninteractive" }),
      timeoutMs: 180_000,
    });
  await install(["apt-get", "install", "-y", "wrk"]).catch(async () => {
    console.log("apt-get install failed: running `apt-get update`, then installing again");
    await install(["apt-get", "update"]);
    await install(["apt-get", "install", "-y", "wrk"]);
  });
  const installed = Bun.which("wrk");
  if (installed === null) {
    throw new Error("apt-get install wrk finished but wrk is still not on PATH");
  }
  return installed;
}

export async function runWrk(wrk: string, options: WrkOptions): Promise<WrkResult> {
  const command = [
    wrk,
    `-t${options.threads}`,
    `-c${options.connections}`,
    `-d${options.durationS}s`,
    "--timeout",
    "5s",
    "--latency",
    ...(options.script === undefined ? [] : ["-s", options.script.path]),
    assertLoopback(options.url),
    ...(options.script === undefined ? [] : ["--", ...options.script.args]),
  ];
  const { stdout, cpuSeconds } = await runToEnd({
    name: "wrk",
    command,
    env: childEnv({}),
    timeoutMs: (options.durationS + 30) * 1000,
  });
  return { ...parseWrkOutput(stdout), generatorCpuSeconds: cpuSeconds };
}

/** Responses outside 2xx plus socket errors: anything above zero fails the run. */
export function wrkErrorCount(result: WrkResult): number {
  const socket = result.socketErrors;
  return nonSuccess(result) + socket.connect + socket.read + socket.write + socket.timeout;
}

export function wrkErrorDetail(result: WrkResult): string {
  const socket = result.socketErrors;
  const statuses =
    result.statuses === null
      ? ""
      : ` (${Object.entries(result.statuses)
          .map(([status, count]) => `${count} × ${status}`)
          .join(", ")})`;
  return (
    `${nonSuccess(result)} non-2xx responses${statuses}, socket errors: connect ` +
    `${socket.connect}, read ${socket.read}, write ${socket.write}, timeout ${socket.timeout}`
  );
}

/** Our script's count when there is one (it also sees 3xx), else wrk's count of 4xx/5xx. */
function nonSuccess(result: WrkResult): number {
  if (result.statuses === null) {
    return result.non2xx;
  }
  return Object.values(result.statuses).reduce((sum, count) => sum + count, 0);
}

/** Reads wrk's text report (wrk 4.x with --latency). Throws when a required line is missing. */
export function parseWrkOutput(text: string): Omit<WrkResult, "generatorCpuSeconds"> {
  const distribution = (percent: string): number =>
    toMs(required(text, new RegExp(`^\\s+${percent}%\\s+(\\S+)`, "m"), `${percent}% latency`));
  const latencyLine = /^\s+Latency\s+(\S+)\s+\S+\s+(\S+)/m.exec(text);
  const totals = /^\s+(\d+) requests in ([\d.]+)(\w+),/m.exec(text);
  const socket =
    /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text) ?? [];
  return {
    requestsPerSecond: Number(required(text, /^Requests\/sec:\s+([\d.]+)/m, "Requests/sec")),
    requests: Number(totals?.[1] ?? Number.NaN),
    durationS: toMs(`${totals?.[2]}${totals?.[3]}`) / 1000,
    latencyMs: {
      p50: distribution("50"),
      p75: distribution("75"),
      p90: distribution("90"),
      p99: distribution("99"),
      mean: toMs(latencyLine?.[1] ?? "NaNms"),
      max: toMs(latencyLine?.[2] ?? "NaNms"),
    },
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0),
    statuses: parseStatuses(text),
    socketErrors: {
      connect: Number(socket[1] ?? 0),
      read: Number(socket[2] ?? 0),
      write: Number(socket[3] ?? 0),
      timeout: Number(socket[4] ?? 0),
    },
  };
}

/** The `non-2xx statuses: 504=2 302=1` line that bench/wrk/requests.lua prints at the end. */
function parseStatuses(text: string): Record<string, number> | null {
  const line = /^non-2xx statuses:(.*)$/m.exec(text)?.[1];
  if (line === undefined) {
    return null;
  }
  const statuses: Record<string, number> = {};
  for (const [, status, count] of line.matchAll(/(\d+)=(\d+)/g)) {
    statuses[status ?? "?"] = Number(count);
  }
  return statuses;
}

const TIME_UNITS_MS: Record<string, number> = {
  us: 0.001,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** wrk's durations: `512.00us`, `1.20ms`, `2.00s`, `1.00m`, `1.00h`. */
function toMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(value);
  if (match === null) {
    return Number.NaN;
  }
  // Rounded to the microsecond, wrk's resolution: 700us is 0.7 ms, not 0.7000000000000001.
  return Math.round(Number(match[1]) * (TIME_UNITS_MS[match[2] ?? ""] ?? Number.NaN) * 1000) / 1000;
}

function required(text: string, pattern: RegExp, what: string): string {
  const value = pattern.exec(text)?.[1];
  if (value === undefined) {
    throw new Error(`wrk's output has no ${what} line:\n${text}`);
  }
  return value;
}
