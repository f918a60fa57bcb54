import {
  type Attributes,
  type Span,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import { ATTR_ERROR_TYPE } from "@opentelemetry/semantic-conventions";
import packageJson from "../../package.json" with { type: "json" };

let cached: { provider: TracerProvider; tracer: Tracer } | undefined;

/**
 * The kit's tracer. Looked up through the global provider on each use (a map lookup): a tracer
 * kept from before a provider was replaced (tests start and stop recorders) would keep writing
 * to the old one. With telemetry off it is the API's no-op tracer.
 */
export function kitTracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (cached?.provider !== provider) {
    cached = { provider, tracer: provider.getTracer(packageJson.name, packageJson.version) };
  }
  return cached.tracer;
}

/** Status ERROR with `error.type`; no message, since messages can quote the data at fault. */
export function markFailed(span: Span, errorType: string, extra?: Attributes): void {
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttributes({ [ATTR_ERROR_TYPE]: errorType, ...extra });
}

/** `error.type` of a thrown value: its `code` when it names one (AppError, SQLSTATE), else its class. */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" && code !== "" ? code : error.name;
  }
  return "_OTHER";
}
