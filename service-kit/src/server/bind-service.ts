import { context, type Span, SpanKind, trace } from "@opentelemetry/api";
import { type Caller, callerVerifier, GATEWAY_SUBJECT, serviceOfMethod } from "../caller/caller.ts";
import type { CallerPublicKey } from "../caller/caller-keys.ts";
import { isDatabaseUnavailable, isPostgresError, redactedPostgresError } from "../db/pg-error.ts";
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
import type { ReadMetadata } from "../wire/read-metadata.ts";
import { status, statusName } from "../wire/status.ts";
import type {
  ServerCall,
  ServiceImplementation,
  StatusAnswer,
  UnaryAnswer,
  UnaryHandler,
} from "./server-call.ts";

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
 * Turns handlers into the kit server's implementation: verifies the caller's signed identity,
 * gives the handler the call's AbortSignal (its deadline and cancellation), maps thrown errors
 * to statuses through `grpcStatusOf`, and logs one line per call (at a level by its status:
 * `callLogLevel`). Each call is a SERVER span, the child of the caller's span when its metadata
 * carries a W3C `traceparent`.
 */
export function bindService<Definition extends ServiceDefinitionShape>(
  definition: Definition,
  handlers: Handlers<Definition>,
  options: BindOptions,
): ServiceImplementation {
  const implementation: ServiceImplementation = {};
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
): UnaryHandler {
  const shape = rpcSpanShape(path, SpanKind.SERVER);
  return (call: ServerCall) => {
    const started = performance.now();
    const parent = extractTraceContext(call.metadata);
    const span = kitTracer().startSpan(
      shape.name,
      { kind: SpanKind.SERVER, attributes: shape.attributes },
      parent,
    );
    const finish = (answer: UnaryAnswer): UnaryAnswer => {
      const code = answer.error?.code ?? status.OK;
      const level = callLogLevel(code);
      if (log.isLevelEnabled(level)) {
        log[level](
          { method: path, code: statusName(code), duration_ms: round(performance.now() - started) },
          "rpc",
        );
      }
      endRpcSpan(span, SpanKind.SERVER, code);
      return answer;
    };
    // The handler, its queries and the log lines above run with the span active.
    return context.with(trace.setSpan(parent, span), () => {
      const failed = (error: unknown) =>
        finish({ error: toStatusError(error, call.signal, { path, log, span }) });
      return run(handler, call, { path, verify }).then(
        // An answer found after the deadline or a cancel is not sent as a success: the client
        // has given up, or is about to, and would otherwise race its own timer against it.
        (response) => (call.signal.aborted ? failed(call.signal.reason) : finish({ response })),
        failed,
      );
    });
  };
}

type Verify = (metadata: ReadMetadata, method: string) => string | Promise<string>;

async function run(
  handler: Unary<unknown, unknown>,
  call: ServerCall,
  { path, verify }: { path: string; verify: Verify },
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
  const { signal } = call;
  return handler(
    call.request,
    idempotencyKey === undefined
      ? { userId: subject, signal }
      : { userId: subject, signal, idempotencyKey },
  );
}

/** The call's checked idempotency key; the gateway checks it too, but the kit trusts no peer. */
function idempotencyKeyOf(metadata: ReadMetadata): string | undefined {
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
): StatusAnswer {
  // A query cancelled because the call ended fails with a SQL error; report why it ended.
  const ended = signal.aborted && !(error instanceof AppError) ? signal.reason : error;
  const cause = isDatabaseUnavailable(ended) ? databaseUnavailable(ended, { path, log }) : ended;
  if (cause instanceof AppError) {
    return serviceError(grpcStatusOf[cause.code], cause.message, cause.code);
  }
  const redacted = isPostgresError(cause) ? redactedPostgresError(cause) : undefined;
  log.error({ method: path, err: redacted ?? cause }, "rpc failed");
  // Only the cause that the log holds too; the client sees "internal error".
  span.recordException(
    redacted !== undefined
      ? { name: "PostgresError", message: `SQLSTATE ${redacted.sqlState ?? redacted.code}` }
      : cause instanceof Error
        ? cause
        : String(cause),
  );
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
// and reach the client as a broken stream. Lone surrogates are made well-formed before encoding.
const MAX_DETAILS_LENGTH = 1_000;

function serviceError(code: status, message: string, errorCode?: ErrorCode): StatusAnswer {
  const clipped =
    message.length > MAX_DETAILS_LENGTH ? `${message.slice(0, MAX_DETAILS_LENGTH)}…` : message;
  const details = clipped.toWellFormed();
  // The domain code rides beside the status, for clients that tell apart codes sharing a status.
  return errorCode === undefined
    ? { code, details }
    : { code, details, metadata: { [ERROR_CODE_METADATA]: errorCode } };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
