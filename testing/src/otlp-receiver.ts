import {
  describeSpans,
  flattenExport,
  type OtlpTraceExport,
  type ReceivedSpan,
} from "./otlp-json.ts";
import {
  describePoints,
  flattenMetricsExport,
  type OtlpMetricsExport,
  type ReceivedPoint,
} from "./otlp-metrics-json.ts";

/**
 * An OTLP/HTTP traces and metrics endpoint on 127.0.0.1 and a free port: processes export to it
 * (OTEL_EXPORTER_OTLP_ENDPOINT) and a test reads their spans and metric points back, or a
 * benchmark only counts what they sent.
 */
export interface OtlpReceiver {
  /** What OTEL_EXPORTER_OTLP_ENDPOINT should be: exporters post to `<url>/v1/traces`, `/v1/metrics`. */
  url: string;
  /** The spans received so far (kept ones only: see `keepSpans`). */
  spans(): ReceivedSpan[];
  /** Polls until `check` holds for the spans received so far; throws after `withinMs`. */
  waitFor(check: (spans: ReceivedSpan[]) => boolean, withinMs?: number): Promise<ReceivedSpan[]>;
  /**
   * The metric data points received so far, every export's (kept ones only): cumulative sums
   * and histograms come again in each export, with their totals so far.
   */
  points(): ReceivedPoint[];
  /** Polls until `check` holds for the points received so far; throws after `withinMs`. */
  waitForPoints(
    check: (points: ReceivedPoint[]) => boolean,
    withinMs?: number,
  ): Promise<ReceivedPoint[]>;
  /** The exports accepted so far (traces and metrics), and their bytes as sent. */
  stats(): { batches: number; bytes: number };
  /** Forgets what arrived so far, for tests that share a receiver. */
  clear(): void;
  stop(): void;
}

export interface OtlpReceiverOptions {
  /**
   * true (the default): keep every span and metric point, which then must come as http/json
   * (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, OTEL_EXPORTER_OTLP_METRICS_PROTOCOL); other bodies are
   * refused with 415, so a process that exports protobuf fails loudly. false: accept either
   * encoding and only count it, so a long run under load costs the receiver no memory.
   */
  keepSpans?: boolean;
}

/** What arrived so far; reset by `clear()`. */
interface Received {
  spans: ReceivedSpan[];
  points: ReceivedPoint[];
  batches: number;
  bytes: number;
}

const nothing = (): Received => ({ spans: [], points: [], batches: 0, bytes: 0 });

export function startOtlpReceiver(options: OtlpReceiverOptions = {}): OtlpReceiver {
  const keep = options.keepSpans ?? true;
  let received = nothing();
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request) => accept(request, received, keep),
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    spans: () => [...received.spans],
    waitFor: (check, withinMs = 10_000) =>
      waitUntil(
        () => received.spans,
        check,
        withinMs,
        () => `spans:\n${describeSpans(received.spans)}`,
      ),
    points: () => [...received.points],
    waitForPoints: (check, withinMs = 10_000) =>
      waitUntil(
        () => received.points,
        check,
        withinMs,
        () => `points:\n${describePoints(received.points)}`,
      ),
    stats: () => ({ batches: received.batches, bytes: received.bytes }),
    clear() {
      received = nothing();
    },
    stop: () => void server.stop(true),
  };
}

/** One export: counted, and its spans or points kept when `keep`. */
async function accept(request: Request, received: Received, keep: boolean): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (request.method !== "POST" || (path !== "/v1/traces" && path !== "/v1/metrics")) {
    return new Response("not found", { status: 404 });
  }
  const json = request.headers.get("content-type")?.startsWith("application/json") === true;
  if (keep && !json) {
    return new Response("send http/json", { status: 415 });
  }
  const body = await request.arrayBuffer();
  received.batches++;
  received.bytes += body.byteLength;
  if (keep) {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
    if (path === "/v1/traces") {
      received.spans.push(...flattenExport(parsed as OtlpTraceExport));
    } else {
      received.points.push(...flattenMetricsExport(parsed as OtlpMetricsExport));
    }
  }
  return emptyAnswer(json);
}

/** An empty ExportTraceServiceResponse: zero bytes of protobuf, or {} in JSON. */
function emptyAnswer(json: boolean): Response {
  return json
    ? Response.json({})
    : new Response(new Uint8Array(0), { headers: { "content-type": "application/x-protobuf" } });
}

async function waitUntil<T>(
  received: () => T[],
  check: (items: T[]) => boolean,
  withinMs: number,
  describe: () => string,
): Promise<T[]> {
  const until = Date.now() + withinMs;
  while (!check([...received()])) {
    if (Date.now() >= until) {
      throw new Error(`the expected telemetry did not arrive; got ${describe()}`);
    }
    await Bun.sleep(50);
  }
  return [...received()];
}
