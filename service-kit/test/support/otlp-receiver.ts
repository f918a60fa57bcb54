/** An OTLP/HTTP traces endpoint on 127.0.0.1 that keeps the JSON exports it receives. */
export interface OtlpReceiver {
  /** What to put in OTEL_EXPORTER_OTLP_ENDPOINT (it posts to `<url>/v1/traces`). */
  url: string;
  /** Every body posted so far, parsed (send with OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json). */
  exports: unknown[];
  stop(): void;
}

export function startOtlpReceiver(): OtlpReceiver {
  const exports: unknown[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      if (request.method !== "POST" || new URL(request.url).pathname !== "/v1/traces") {
        return new Response("not found", { status: 404 });
      }
      exports.push(await request.json());
      return Response.json({});
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, exports, stop: () => void server.stop(true) };
}

/** A span of an OTLP/JSON export, with the resource's service.name beside it. */
export interface ExportedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
}

interface OtlpJson {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: { spans?: Omit<ExportedSpan, "service">[] }[];
  }[];
}

export function exportedSpans(exports: unknown[]): ExportedSpan[] {
  return (exports as OtlpJson[]).flatMap((body) =>
    (body.resourceSpans ?? []).flatMap((resourceSpans) => {
      const service =
        resourceSpans.resource?.attributes?.find((attribute) => attribute.key === "service.name")
          ?.value.stringValue ?? "";
      return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
        (scope.spans ?? []).map((span) => ({
          ...span,
          parentSpanId: span.parentSpanId ?? "",
          service,
        })),
      );
    }),
  );
}
