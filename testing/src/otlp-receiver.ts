import {
  describeSpans,
  flattenExport,
  type OtlpTraceExport,
  type ReceivedSpan,
} from "./otlp-json.ts";

/**
 * An OTLP/HTTP traces endpoint on 127.0.0.1 and a free port: processes export to it
 * (OTEL_EXPORTER_OTLP_ENDPOINT) and a test reads their spans back, or a benchmark only counts
 * what tracing sent.
 */
export interface OtlpReceiver {
  /** What OTEL_EXPORTER_OTLP_ENDPOINT should be: exporters post to `<url>/v1/traces`. */
  url: string;
  /** The spans received so far (kept ones only: see `keepSpans`). */
  spans(): ReceivedSpan[];
  /** Polls until `check` holds for the spans received so far; throws after `withinMs`. */
  waitFor(check: (spans: ReceivedSpan[]) => boolean, withinMs?: number): Promise<ReceivedSpan[]>;
  /** The exports accepted so far, and their bytes as sent. */
  stats(): { batches: number; bytes: number };
  /** Forgets what arrived so far, for tests that share a receiver. */
  clear(): void;
  stop(): void;
}

export interface OtlpReceiverOptions {
  /**
   * true (the default): keep every span, which then must come as http/json
   * (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL); other bodies are refused with 415, so a process that
   * exports protobuf fails loudly. false: accept either encoding and only count it, so a long
   * run under load costs the receiver no memory.
   */
  keepSpans?: boolean;
}

export function startOtlpReceiver(options: OtlpReceiverOptions = {}): OtlpReceiver {
  const keepSpans = options.keepSpans ?? true;
  let received: ReceivedSpan[] = [];
  let batches = 0;
  let bytes = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      if (request.method !== "POST" || new URL(request.url).pathname !== "/v1/traces") {
        return new Response("not found", { status: 404 });
      }
      const json = request.headers.get("content-type")?.startsWith("application/json") === true;
      if (keepSpans && !json) {
        return new Response("send http/json", { status: 415 });
      }
      const body = await request.arrayBuffer();
      batches++;
      bytes += body.byteLength;
      if (keepSpans) {
        const text = new TextDecoder().decode(body);
        received.push(...flattenExport(JSON.parse(text) as OtlpTraceExport));
      }
      return emptyAnswer(json);
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    spans: () => [...received],
    waitFor: (check, withinMs = 10_000) => waitForSpans(() => received, check, withinMs),
    stats: () => ({ batches, bytes }),
    clear() {
      received = [];
      batches = 0;
      bytes = 0;
    },
    stop: () => void server.stop(true),
  };
}

/** An empty ExportTraceServiceResponse: zero bytes of protobuf, or {} in JSON. */
function emptyAnswer(json: boolean): Response {
  return json
    ? Response.json({})
    : new Response(new Uint8Array(0), { headers: { "content-type": "application/x-protobuf" } });
}

async function waitForSpans(
  received: () => ReceivedSpan[],
  check: (spans: ReceivedSpan[]) => boolean,
  withinMs: number,
): Promise<ReceivedSpan[]> {
  const until = Date.now() + withinMs;
  while (!check([...received()])) {
    if (Date.now() >= until) {
      throw new Error(`the expected spans did not arrive; got:\n${describeSpans(received())}`);
    }
    await Bun.sleep(50);
  }
  return [...received()];
}
