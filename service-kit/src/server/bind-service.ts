import {
  type handleUnaryCall,
  Metadata,
  type ServerErrorResponse,
  type ServerUnaryCall,
  type sendUnaryData,
  status,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { context, type Span, SpanKind, trace } from "@opentelemetry/api";
import { type Caller, callerVerifier, GATEWAY_SUBJECT, serviceOfMethod } from "../caller/caller.ts";
import type { CallerPublicKey } from "../caller/caller-keys.ts";
import { isDatabaseUnavailable } from "../db/pg-error.ts";
import {
  AppError,
  ERROR_CODE_METADATA,
  type ErrorCode,
  grpcStatusOf,
  invalidArgument,
  permissionDenied,
  unauthenticated,
  unavailable,
} from "../errors.ts";
import type { Logger } from "../log.ts";
import { endRpcSpan, rpcSpanShape } from "../telemetry/rpc-span.ts";
import { extractTraceContext } from "../telemetry/trace-context.ts";
import { kitTracer } from "../telemetry/tracer.ts";
import { IDEMPOTENCY_KEY_METADATA, idempotencyKeyProblem } from "../wire/idempotency-key.ts";
import type { RequestOf, ResponseOf, ServiceDefinitionShape } from "../wire/method-types.ts";

/** A unary RPC as a service writes it: a request and its caller in, a response out. */
export type Unary<Request, Response> = (request: Request, caller: Caller) => Promise<Response>;

/** A unary RPC only the gateway may call, as itself; see `internal`. */
export type InternalUnary<Request, Response> = (
  request: Request,
  call: { signal: AbortSignal },
) => Promise<Response>;

const INTERNAL: unique symbol = Symbol("internal rpc");

/**
 * Marks an RPC that only the gateway may call, on no user's behalf (e.g. completing a login,
 * checking a session): its calls must carry the gateway's own identity, and a token naming a
 * user is refused with PERMISSION_DENIED, so that a user's call can never reach it. Every other
 * RPC needs a user's identity.
 */
export function internal<Request, Response>(
  handler: InternalUnary<Request, Response>,
): Unary<Request, Response> {
  const unary: Unary<Request, Response> = (request, caller) =>
    handler(request, { signal: caller.signal });
  return Object.assign(unary, { [INTERNAL]: true });
}

export interface BindOptions {
  log: Logger;
  /** The gateway's public keys (CALLER_PUBLIC_KEYS): verify the caller token of every call. */
  callerKeys: CallerPublicKey[];
}

/** One handler per RPC of a generated service definition, typed by it. */
export type Handlers<Definition extends ServiceDefinitionShape> = {
  [Name in keyof Definition]: Unary<RequestOf<Definition[Name]>, ResponseOf<Definition[Name]>>;
};

/**
 * Turns handlers into a grpc-js implementation: verifies the caller's signed identity, gives
 * the handler an AbortSignal tied to the call's deadline and cancellation, maps thrown errors
 * to statuses through `grpcStatusOf`, and logs one line per call (at a level by its status:
 * `callLogLevel`). Each call is a SERVER span, the child of the caller's span when its metadata
 * carries a W3C `traceparent`.
 */
export function bindService<Definition extends ServiceDefinitionShape>(
  definition: Definition,
  handlers: Handlers<Definition>,
  options: BindOptions,
): UntypedServiceImplementation {
  const implementation: UntypedServiceImplementation = {};
  // One verifier for the service's methods; tokens name this service as their audience.
  const [first] = Object.values(definition);
  const verify = callerVerifier(options.callerKeys, serviceOfMethod(first?.path ?? "/"));
  for (const name of Object.keys(definition)) {
    const method = definition[name];
    const handler = handlers[name];
    if (method === undefined || handler === undefined) {
      continue;
    }
    implementation[name] = adaptUnary(method.path, handler as Unary<unknown, unknown>, {
      log: options.log,
      verify,
    });
  }
  return implementation;
}

function adaptUnary(
  path: string,
  handler: Unary<unknown, unknown>,
  { log, verify }: { log: Logger; verify: Verify },
): handleUnaryCall<unknown, unknown> {
  const shape = rpcSpanShape(path, SpanKind.SERVER);
  return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    const started = performance.now();
    const parent = extractTraceContext(call.metadata);
    const span = kitTracer().startSpan(
      shape.name,
      { kind: SpanKind.SERVER, attributes: shape.attributes },
      parent,
    );
    const lifetime = callLifetime(call);
    const finish = (error: ServerErrorResponse | null, response?: unknown): void => {
      lifetime.dispose();
      const code = error?.code ?? status.OK;
      const level = callLogLevel(code);
      if (log.isLevelEnabled(level)) {
        log[level](
          { method: path, code: status[code], duration_ms: round(performance.now() - started) },
          "rpc",
        );
      }
      endRpcSpan(span, SpanKind.SERVER, code);
      callback(error, response);
    };
    // The handler, its queries and the log lines above run with the span active.
    context.with(trace.setSpan(parent, span), () => {
      const failed = (error: unknown) =>
        finish(toStatusError(error, lifetime.signal, { path, log, span }));
      run(handler, call, { path, signal: lifetime.signal, verify }).then(
        // An answer found after the deadline or a cancel is not sent as a success: the client
        // has given up, or is about to, and would otherwise race its own timer against it.
        (response) =>
          lifetime.signal.aborted ? failed(lifetime.signal.reason) : finish(null, response),
        failed,
      );
    });
  };
}

type Verify = (metadata: Metadata, method: string) => string | Promise<string>;

async function run(
  handler: Unary<unknown, unknown>,
  call: ServerUnaryCall<unknown, unknown>,
  { path, signal, verify }: { path: string; signal: AbortSignal; verify: Verify },
): Promise<unknown> {
  const subject = await verify(call.metadata, path);
  const internalRpc = INTERNAL in handler;
  if (internalRpc && subject !== GATEWAY_SUBJECT) {
    throw permissionDenied("this RPC is internal: only the gateway may call it");
  }
  if (!internalRpc && subject === GATEWAY_SUBJECT) {
    throw unauthenticated("this RPC needs a user's identity");
  }
  const idempotencyKey = idempotencyKeyOf(call.metadata);
  return handler(
    call.request,
    idempotencyKey === undefined
      ? { userId: subject, signal }
      : { userId: subject, signal, idempotencyKey },
  );
}

/** The call's checked idempotency key; the gateway checks it too, but the kit trusts no peer. */
function idempotencyKeyOf(metadata: Metadata): string | undefined {
  const [value] = metadata.get(IDEMPOTENCY_KEY_METADATA);
  if (value === undefined) {
    return undefined;
  }
  const problem = typeof value === "string" ? idempotencyKeyProblem(value) : "must be text";
  if (problem !== null) {
    throw invalidArgument(`${IDEMPOTENCY_KEY_METADATA}: ${problem}`);
  }
  return value as string;
}

/** An AbortSignal that fires when the deadline passes or the client cancels. */
function callLifetime(call: ServerUnaryCall<unknown, unknown>): {
  signal: AbortSignal;
  dispose(): void;
} {
  const controller = new AbortController();
  const deadline = call.getDeadline();
  const remaining = (deadline instanceof Date ? deadline.getTime() : deadline) - Date.now();
  const timer = Number.isFinite(remaining)
    ? setTimeout(
        () => controller.abort(new AppError("DEADLINE_EXCEEDED", "deadline exceeded")),
        Math.max(0, remaining),
      )
    : undefined;
  const onCancel = (): void => controller.abort(new AppError("CANCELLED", "call cancelled"));
  call.once("cancelled", onCancel);
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      call.removeListener("cancelled", onCancel);
    },
  };
}

// What the server, not the request, is to blame for (as grpc-go's logging middleware sorts them).
const serverSideCodes = new Set<status>([
  status.UNKNOWN,
  status.DEADLINE_EXCEEDED,
  status.RESOURCE_EXHAUSTED,
  status.ABORTED,
  status.UNIMPLEMENTED,
  status.INTERNAL,
  status.UNAVAILABLE,
  status.DATA_LOSS,
]);

/**
 * The level of a call's log line. OK is debug: at the default level (info) the hot path writes
 * nothing, and the call's span still records it. A refused request (INVALID_ARGUMENT,
 * NOT_FOUND...) is info; a failure on the server's side is warn.
 */
export function callLogLevel(code: status): "debug" | "info" | "warn" {
  return code === status.OK ? "debug" : serverSideCodes.has(code) ? "warn" : "info";
}

function toStatusError(
  error: unknown,
  signal: AbortSignal,
  { path, log, span }: { path: string; log: Logger; span: Span },
): ServerErrorResponse {
  // A query cancelled because the call ended fails with a SQL error; report why it ended.
  const ended = signal.aborted && !(error instanceof AppError) ? signal.reason : error;
  const cause = isDatabaseUnavailable(ended) ? databaseUnavailable(ended, { path, log }) : ended;
  if (cause instanceof AppError) {
    return serviceError(grpcStatusOf[cause.code], cause.message, cause.code);
  }
  log.error({ method: path, err: cause }, "rpc failed");
  // Only the cause that the log holds too; the client sees "internal error".
  span.recordException(cause instanceof Error ? cause : String(cause));
  return serviceError(status.INTERNAL, "internal error");
}

/**
 * The database down or restarting: UNAVAILABLE (the gateway's 503) rather than INTERNAL, so
 * clients try again. The cause (its code, never SQL) goes to the log at warn.
 */
function databaseUnavailable(
  error: unknown,
  { path, log }: { path: string; log: Logger },
): AppError {
  const code = (error as { code?: unknown }).code;
  log.warn(
    { method: path, db_error: typeof code === "string" ? code : "unknown" },
    "database unavailable",
  );
  return unavailable("database unavailable", error);
}

// Details travel in a response header: an error quoting a huge client string would overflow it
// and reach the client as a broken stream. Lone surrogates would make grpc-js's encodeURI throw.
const MAX_DETAILS_LENGTH = 1_000;

function serviceError(code: status, message: string, errorCode?: ErrorCode): ServerErrorResponse {
  const clipped =
    message.length > MAX_DETAILS_LENGTH ? `${message.slice(0, MAX_DETAILS_LENGTH)}…` : message;
  const details = clipped.toWellFormed();
  if (errorCode === undefined) {
    return Object.assign(new Error(details), { code, details });
  }
  // The domain code rides beside the status, for clients that tell apart codes sharing a status.
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_METADATA, errorCode);
  return Object.assign(new Error(details), { code, details, metadata });
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
