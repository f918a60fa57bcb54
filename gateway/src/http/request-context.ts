import type { Logger } from "@trellis/service-kit";
import { Elysia, StatusMap, ValidationError } from "elysia";
import {
  badRequest,
  errorBody,
  fromGrpcError,
  HttpError,
  internalError,
  isGrpcError,
  noRoute,
} from "../errors.ts";
import type { GatewayMetrics } from "../telemetry/metrics.ts";
import {
  endRequestSpan,
  type RequestSpan,
  recordRequestFailure,
  startRequestSpan,
} from "../telemetry/request-span.ts";
import { responseSecurityHeaders } from "./security-headers.ts";

interface RequestInfo {
  id: string;
  started: number;
  /** The request's SERVER span; null when tracing is off. */
  span: RequestSpan | null;
  /** The route template a handler matched itself (the REST routes), over Elysia's pattern. */
  route?: string;
}

const requests = new WeakMap<Request, RequestInfo>();

/** The id of a request, also sent back as X-Request-Id and in every error body. */
export function requestIdOf(request: Request): string {
  return requests.get(request)?.id ?? "unknown";
}

/**
 * Names the request's route for its span and log line when the handler, not Elysia, picked it:
 * the REST routes are mounted on a prefix pattern (`/api/notes/*`) and match the template.
 */
export function setRequestRoute(request: Request, route: string): void {
  const info = requests.get(request);
  if (info !== undefined) {
    info.route = route;
  }
}

/**
 * Request ids, one SERVER span and one log line per request (method, route template, status,
 * duration; never headers, cookies, query strings or bodies; at a level by its status:
 * `requestLogLevel`), and the one place errors become HTTP responses. The span is the active
 * context from the first hook to the last, so the handler's gRPC calls are its children and
 * every log line of the request carries its trace id. With `metrics`, each request is also one
 * measurement of http.server.request.duration.
 */
export function requestContext(log: Logger, metrics: GatewayMetrics | null = null) {
  return new Elysia({ name: "request-context" })
    .onRequest(({ request, set }) => {
      const id = crypto.randomUUID();
      requests.set(request, { id, started: performance.now(), span: startRequestSpan(request) });
      set.headers["x-request-id"] = id;
      Object.assign(set.headers, responseSecurityHeaders);
    })
    .onError({ as: "global" }, ({ code, error, request, set, path }) => {
      const httpError = toHttpError(code, error, request, path);
      if (httpError.status >= 500 && !isGrpcError(error)) {
        recordFailure(log, request, error);
      }
      set.status = httpError.status;
      if (httpError.retryAfterSeconds !== null) {
        set.headers["retry-after"] = String(httpError.retryAfterSeconds);
      }
      set.headers["content-type"] = "application/json";
      set.headers["cache-control"] = "no-store";
      return errorBody(httpError, requestIdOf(request));
    })
    .onAfterResponse({ as: "global" }, ({ request, route, set, responseValue }) => {
      // A returned Response (redirects) carries its own status; `set` keeps the default.
      const status =
        responseValue instanceof Response ? responseValue.status : statusOf(set.status);
      endRequest(log, request, route, status, metrics);
    });
}

/** An unexpected failure: its cause goes to the log and the span, never to the client. */
function recordFailure(log: Logger, request: Request, error: unknown): void {
  log.error({ request_id: requestIdOf(request), err: error }, "request failed");
  const span = requests.get(request)?.span;
  if (span) {
    recordRequestFailure(span, error);
  }
}

/** The request's log line, at the level of its status, and the end of its span. */
function endRequest(
  log: Logger,
  request: Request,
  elysiaRoute: string,
  status: number,
  metrics: GatewayMetrics | null,
): void {
  const info = requests.get(request);
  const route = info?.route ?? elysiaRoute;
  const level = requestLogLevel(status);
  if (log.isLevelEnabled(level)) {
    log[level](
      {
        request_id: info?.id,
        method: request.method,
        route: route || "(none)",
        status,
        duration_ms: info ? Math.round((performance.now() - info.started) * 1000) / 1000 : null,
      },
      "request",
    );
  }
  if (info?.span) {
    endRequestSpan(info.span, { route: route ?? "", status });
  }
  if (metrics !== null && info !== undefined) {
    metrics.request(request.method, route ?? "", status, info.started);
  }
}

/**
 * The level of a request's log line. Successes are debug: at the default level (info) the hot
 * path writes nothing (a line per request cost `GET /api/me` a quarter of its throughput), and its
 * trace still records every request. What went wrong is logged at info (the client's fault)
 * and warn (ours, or a service's).
 */
export function requestLogLevel(status: number): "debug" | "info" | "warn" {
  return status >= 500 ? "warn" : status >= 400 ? "info" : "debug";
}

/** Elysia's `set.status` may be a number or a name ("Created"). */
function statusOf(status: number | string | undefined): number {
  if (typeof status === "number") {
    return status;
  }
  return status === undefined ? 200 : (StatusMap[status as keyof typeof StatusMap] ?? 200);
}

function toHttpError(code: unknown, error: unknown, request: Request, path: string): HttpError {
  if (error instanceof HttpError) {
    return error;
  }
  // Elysia wraps what a body parser throws (our 413 and 400 included) in a ParseError.
  if (error instanceof Error && error.cause instanceof HttpError) {
    return error.cause;
  }
  if (isGrpcError(error)) {
    return fromGrpcError(error);
  }
  if (error instanceof ValidationError) {
    return badRequest(validationMessage(error));
  }
  switch (code) {
    case "PARSE":
      return badRequest("body: malformed JSON");
    case "NOT_FOUND":
      return noRoute(request.method, path);
    default:
      return internalError();
  }
}

/** "title: Expected string" — the field path and the rule, never the submitted value. */
function validationMessage(error: ValidationError): string {
  const first = error.all[0];
  const where = first && "path" in first ? first.path.replace(/^\//, "").replaceAll("/", ".") : "";
  const custom =
    first && "schema" in first ? (first.schema as { error?: unknown }).error : undefined;
  const what =
    typeof custom === "string"
      ? custom
      : first && "message" in first
        ? first.message
        : "invalid value";
  return `${where === "" ? error.type : where}: ${what}`;
}
