import {
  type Context,
  type ContextManagementToken,
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from "@opentelemetry/semantic-conventions";
import { knownMethod } from "./http-method.ts";

// The SERVER span of one HTTP request, per the HTTP semantic conventions, recording only the
// method, the path (never the query string: it carries OAuth codes and states), the route
// template and the status. No header, cookie or body, ever.

/** A request's span, and the token that made it the active context. */
export interface RequestSpan {
  span: Span;
  method: string;
  token: ContextManagementToken;
  /** error.type of a failure recorded by `recordRequestFailure`. */
  errorType?: string;
}

/**
 * Starts the request's span, a new trace (the gateway is the edge: a `traceparent` sent by a
 * browser is not trusted), and attaches it as the active context for the rest of the request,
 * so that its gRPC calls become its children and its log lines carry its ids. Null when
 * tracing is off.
 */
export function startRequestSpan(request: Request): RequestSpan | null {
  const method = knownMethod(request.method);
  const known = method === request.method;
  const span = trace
    .getTracer("@trellis/gateway")
    .startSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method } },
      ROOT_CONTEXT,
    );
  if (!isSpanContextValid(span.spanContext())) {
    return null;
  }
  if (span.isRecording()) {
    span.setAttributes(urlAttributes(request.url));
    if (!known) {
      span.setAttribute(ATTR_HTTP_REQUEST_METHOD_ORIGINAL, request.method);
    }
  }
  // Elysia offers no hook around the handler for `context.with`; `attach` (AsyncLocalStorage's
  // enterWith) from the first hook reaches the handler and the hooks after it, and each request
  // starts from an empty context, so nothing leaks from one request into the next.
  const active: Context = trace.setSpan(ROOT_CONTEXT, span);
  return { span, method, token: context.attach(active) };
}

/** Records an unexpected failure behind a 5xx: the exception the error log line holds too. */
export function recordRequestFailure(started: RequestSpan, error: unknown): void {
  started.errorType = error instanceof Error ? error.name : "_OTHER";
  started.span.recordException(error instanceof Error ? error : String(error));
}

/**
 * Names the span after the route template ("POST /api/notes"), sets the status, and ends it.
 * Only 5xx mark it failed: a 4xx is the server answering as designed.
 */
export function endRequestSpan(
  started: RequestSpan,
  outcome: { route: string; status: number },
): void {
  const { span, method } = started;
  if (span.isRecording()) {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status);
    if (outcome.route !== "") {
      span.setAttribute(ATTR_HTTP_ROUTE, outcome.route);
      span.updateName(`${method} ${outcome.route}`);
    }
    if (outcome.status >= 500) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute(ATTR_ERROR_TYPE, started.errorType ?? String(outcome.status));
    }
  }
  span.end();
  started.token.dispose();
}

function urlAttributes(url: string): Record<string, string | number> {
  const parsed = URL.parse(url);
  if (parsed === null) {
    return {};
  }
  const port = parsed.port === "" ? (parsed.protocol === "https:" ? 443 : 80) : Number(parsed.port);
  return {
    [ATTR_URL_SCHEME]: parsed.protocol.replace(/:$/, ""),
    [ATTR_URL_PATH]: parsed.pathname,
    [ATTR_SERVER_ADDRESS]: parsed.hostname,
    [ATTR_SERVER_PORT]: port,
  };
}
