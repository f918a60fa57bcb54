// For `--tracing`: an OTLP/HTTP endpoint on loopback that accepts every batch of spans and
// discards it, so the processes pay the full cost of tracing (spans, batching, export) without a
// collector to install, and without exporting anywhere but this machine.

export interface OtlpSink {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT (the exporters append /v1/traces). */
  url: string;
  stats(): { batches: number; bytes: number };
  stop(): void;
}

export function startOtlpSink(): OtlpSink {
  let batches = 0;
  let bytes = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const body = await request.arrayBuffer();
      batches++;
      bytes += body.byteLength;
      // An empty ExportTraceServiceResponse: zero bytes of protobuf, or {} in JSON.
      const json = request.headers.get("content-type")?.includes("json") === true;
      return new Response(json ? "{}" : new Uint8Array(0), {
        headers: { "content-type": json ? "application/json" : "application/x-protobuf" },
      });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    stats: () => ({ batches, bytes }),
    stop: () => void server.stop(true),
  };
}
