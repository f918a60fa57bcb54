import { waitUntil } from "./child-process.ts";

// An OTLP/HTTP traces endpoint on loopback for the process tests: the stack's processes export
// to it (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json) and a test
// reads their spans back.

/** A span as exported, flattened: attribute values as plain JS values. */
export interface ReceivedSpan {
  /** The resource's service.name: which process sent it. */
  service: string;
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  kind: SpanKindName;
  attributes: Record<string, unknown>;
  /** OTLP status: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  events: { name: string; attributes: Record<string, unknown> }[];
}

export type SpanKindName =
  | "UNSPECIFIED"
  | "INTERNAL"
  | "SERVER"
  | "CLIENT"
  | "PRODUCER"
  | "CONSUMER";

export interface OtlpReceiver {
  /** What OTEL_EXPORTER_OTLP_ENDPOINT should be: exporters post to `<url>/v1/traces`. */
  url: string;
  spans(): ReceivedSpan[];
  /** Polls until `check` holds for the spans received so far; throws after `withinMs`. */
  waitFor(check: (spans: ReceivedSpan[]) => boolean, withinMs?: number): Promise<ReceivedSpan[]>;
  stop(): void;
}

const KINDS: SpanKindName[] = [
  "UNSPECIFIED",
  "INTERNAL",
  "SERVER",
  "CLIENT",
  "PRODUCER",
  "CONSUMER",
];

/** Starts the receiver on 127.0.0.1 and a free port. */
export function startOtlpReceiver(): OtlpReceiver {
  const received: ReceivedSpan[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      if (request.method !== "POST" || new URL(request.url).pathname !== "/v1/traces") {
        return new Response("not found", { status: 404 });
      }
      if (!request.headers.get("content-type")?.startsWith("application/json")) {
        return new Response("send http/json", { status: 415 });
      }
      received.push(...flatten((await request.json()) as ExportTraceServiceRequest));
      return Response.json({});
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    spans: () => [...received],
    async waitFor(check, withinMs = 10_000) {
      await waitUntil(async () => check([...received]), {
        withinMs,
        everyMs: 50,
        describe: () => `the expected spans did not arrive; got:\n${describeSpans(received)}`,
      });
      return [...received];
    },
    stop: () => void server.stop(true),
  };
}

/** One line per span, for failure messages. */
export function describeSpans(spans: ReceivedSpan[]): string {
  return spans
    .map(
      (span) =>
        `${span.service} ${span.kind} ${span.name} ${span.traceId}/${span.spanId}<-${span.parentSpanId}`,
    )
    .join("\n");
}

// The OTLP/JSON shape (opentelemetry-proto's JSON mapping): ids in hex, int64 as strings.
interface ExportTraceServiceRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: KeyValue[];
  status?: { code?: number };
  events?: { name: string; attributes?: KeyValue[] }[];
}

interface KeyValue {
  key: string;
  value: AnyValue;
}

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}

function flatten(body: ExportTraceServiceRequest): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    const service = String(resource["service.name"] ?? "");
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map(
        (span): ReceivedSpan => ({
          service,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? "",
          name: span.name,
          kind: KINDS[span.kind ?? 0] ?? "UNSPECIFIED",
          attributes: attributesOf(span.attributes),
          statusCode: span.status?.code ?? 0,
          events: (span.events ?? []).map((event) => ({
            name: event.name,
            attributes: attributesOf(event.attributes),
          })),
        }),
      ),
    );
  });
}

function attributesOf(keyValues: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((keyValues ?? []).map(({ key, value }) => [key, plainValue(value)]));
}

function plainValue(value: AnyValue): unknown {
  if (value.stringValue !== undefined) {
    return value.stringValue;
  }
  if (value.intValue !== undefined) {
    return Number(value.intValue);
  }
  if (value.arrayValue !== undefined) {
    return (value.arrayValue.values ?? []).map(plainValue);
  }
  if (value.kvlistValue !== undefined) {
    return attributesOf(value.kvlistValue.values);
  }
  return value.boolValue ?? value.doubleValue ?? value.bytesValue;
}
