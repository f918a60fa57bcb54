import type { Metadata } from "@grpc/grpc-js";
import {
  type Context,
  propagation,
  ROOT_CONTEXT,
  type TextMapGetter,
  type TextMapSetter,
} from "@opentelemetry/api";
import type { ReadMetadata } from "../wire/read-metadata.ts";

// gRPC metadata as an OpenTelemetry carrier: the global propagator (W3C trace context unless
// OTEL_PROPAGATORS says otherwise) writes `traceparent` / `tracestate` into it.

const getter: TextMapGetter<ReadMetadata> = {
  keys: (metadata) => Object.keys(metadata.getMap()),
  get(metadata, key) {
    // Binary (-bin) entries are Buffers; trace context is text.
    const values = metadata.get(key).filter((value): value is string => typeof value === "string");
    return values.length <= 1 ? values[0] : values;
  },
};

const setter: TextMapSetter<Metadata> = {
  set: (metadata, key, value) => metadata.set(key, value),
};

const headerSetter: TextMapSetter<Record<string, string>> = {
  set: (headers, key, value) => {
    headers[key] = value;
  },
};

/** Writes the trace context of `context` into an outgoing call's metadata (grpc-js). */
export function injectTraceContext(context: Context, metadata: Metadata): void {
  propagation.inject(context, metadata, setter);
}

/** Writes the trace context of `context` into an outgoing call's headers (the kit's client). */
export function injectTraceHeaders(context: Context, headers: Record<string, string>): void {
  propagation.inject(context, headers, headerSetter);
}

/** The caller's trace context from an incoming call's metadata, as a parent for its span. */
export function extractTraceContext(metadata: ReadMetadata): Context {
  return propagation.extract(ROOT_CONTEXT, metadata, getter);
}
