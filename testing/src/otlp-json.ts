// OTLP/JSON trace exports (opentelemetry-proto's JSON mapping: ids in hex, int64 as strings),
// flattened into one plain object per span for tests to read.

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

const KINDS: SpanKindName[] = [
  "UNSPECIFIED",
  "INTERNAL",
  "SERVER",
  "CLIENT",
  "PRODUCER",
  "CONSUMER",
];

/** One ExportTraceServiceRequest body. */
export interface OtlpTraceExport {
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

export interface KeyValue {
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

/** The spans of one export, each with its resource's service.name. */
export function flattenExport(body: OtlpTraceExport): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    const service = String(resource["service.name"] ?? "");
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => flattenSpan(span, service)),
    );
  });
}

function flattenSpan(span: OtlpSpan, service: string): ReceivedSpan {
  return {
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
  };
}

export function attributesOf(keyValues: KeyValue[] | undefined): Record<string, unknown> {
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

/** One line per span, for failure messages. */
export function describeSpans(spans: ReceivedSpan[]): string {
  return spans
    .map(
      (span) =>
        `${span.service} ${span.kind} ${span.name} ${span.traceId}/${span.spanId}<-${span.parentSpanId}`,
    )
    .join("\n");
}
