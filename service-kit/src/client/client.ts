import { context, type Meter, SpanKind, trace } from "@opentelemetry/api";
import { CALLER_HEADER, callerSigner, GATEWAY_SUBJECT } from "../caller/caller.ts";
import type { CallerSigningKey } from "../caller/caller-keys.ts";
import { callDurations, measureClientCall } from "../telemetry/rpc-metrics.ts";
import { endRpcSpan, type RpcSpanShape, rpcSpanShape } from "../telemetry/rpc-span.ts";
import { injectTraceHeaders } from "../telemetry/trace-context.ts";
import { kitTracer } from "../telemetry/tracer.ts";
import { IDEMPOTENCY_KEY_METADATA } from "../wire/idempotency-key.ts";
import { clientKeepalive } from "../wire/keepalive.ts";
import { channelLimits, MAX_HEADER_LIST_BYTES, MAX_MESSAGE_BYTES } from "../wire/limits.ts";
import type { RequestOf, ResponseOf, ServiceDefinitionShape } from "../wire/method-types.ts";
import { status } from "../wire/status.ts";
import { CallError } from "./call-error.ts";
import { GrpcJsChannel } from "./grpc-js-channel.ts";
import { Http2Channel } from "./http2-channel.ts";
import type { ResolveTargets } from "./targets.ts";
import type { ClientImplementation, UnaryChannel } from "./unary-channel.ts";

export interface CallSettings {
  /** The user on whose behalf the call is made; unset means the gateway itself. */
  userId?: string;
  /** Overrides the client's default timeout for this call. */
  timeoutMs?: number;
  /** Cancels the call when it aborts. */
  signal?: AbortSignal;
  /** Sent as `idempotency-key` metadata: the service runs a create once per key (see README). */
  idempotencyKey?: string;
}

/** A promise-returning client for a generated service definition. */
export type PromiseClient<Definition extends ServiceDefinitionShape> = {
  [Name in keyof Definition]: (
    request: RequestOf<Definition[Name]>,
    settings?: CallSettings,
  ) => Promise<ResponseOf<Definition[Name]>>;
} & { close(): void };

export interface ClientOptions {
  /** Deadline of every call unless a call sets its own. */
  timeoutMs: number;
  /**
   * The gateway's key (CALLER_SIGNING_KEY): each call carries a caller token for its user, or
   * the gateway, and its RPC. Without it calls carry none, and services refuse them.
   */
  callerKey?: CallerSigningKey;
  /** Where the address's name points (default: the system resolver, every address it gives). */
  resolveTargets?: ResolveTargets;
  /** How often a connection asks its server whether it is draining (default 1 s; 0: never). */
  healthPollMs?: number;
  /**
   * How often the name's addresses are asked for again, at the next call (default 30 s); they
   * are also asked for after every lost connection (a server's GOAWAY, its maximum age, a crash).
   */
  resolveEveryMs?: number;
  /**
   * Whose client carries the calls (GRPC_CLIENT; default "kit"). "grpc-js" is the fallback: the
   * same deadlines, caller tokens, errors and spans, over grpc-js's channel (round robin over the
   * name's addresses) without the kit's replica handling (`resolveTargets`, `healthPollMs`,
   * `resolveEveryMs` are ignored).
   */
  implementation?: ClientImplementation;
  /** Records rpc.client.call.duration of every call; null or unset: metrics off. */
  meter?: Meter | null;
}

/** The serializers ts-proto generates for each method of a grpc-js service definition. */
interface UnaryMethod {
  path: string;
  requestSerialize(request: unknown): Buffer;
  responseDeserialize(bytes: Buffer): unknown;
}

// HTTP/2's default 64 KiB receive window stalls one busy connection: with 64 list responses in
// flight, GET /api/notes waited up to ~1 s for window updates (p99 1,080 ms, 504s at the 2 s
// deadline, ~550 req/s). With 4 MiB: p99 ~130 ms, ~930 req/s (bench --only notes-list).
const WINDOW_BYTES = 4 * 1024 * 1024;

/**
 * Creates a client whose methods return promises and always carry a deadline, over HTTP/2 to
 * `address` (host:port, plaintext: the services sit on a private network), balanced over every
 * address the name resolves to (one connection each, round robin; see http2-channel.ts).
 * Failed calls reject with a CallError (`code`, `details`). Each call is a CLIENT span, child
 * of the active span, whose W3C trace context travels in the call's metadata.
 *
 * The calls speak gRPC over `node:http2` directly rather than through grpc-js's client, which
 * cost about three times the CPU per call on Bun (bench/investigations/grpc-client); grpc-js's
 * remains a fallback by configuration (`implementation`).
 */
export function createClient<Definition extends ServiceDefinitionShape>(
  definition: Definition,
  address: string,
  options: ClientOptions,
): PromiseClient<Definition> {
  const channel = openChannel(address, options);
  const sign = options.callerKey === undefined ? undefined : callerSigner(options.callerKey);
  const methods: Record<string, unknown> = {
    close: () => channel.close(),
  };
  const durations = options.meter ? callDurations(options.meter, SpanKind.CLIENT) : null;
  for (const [name, method] of Object.entries(definition)) {
    const unary = method as unknown as UnaryMethod;
    const call = {
      channel,
      method: unary,
      timeoutMs: options.timeoutMs,
      shape: rpcSpanShape(method.path, SpanKind.CLIENT, address),
      sign,
    };
    const unaryCall = (request: unknown, settings: CallSettings = {}) =>
      callUnary(call, request, settings);
    methods[name] =
      durations === null ? unaryCall : measureClientCall(durations, call.shape, unaryCall);
  }
  return methods as PromiseClient<Definition>;
}

const BACKOFF = { initialBackoffMs: 250, maxBackoffMs: 5_000 } as const;

function openChannel(address: string, options: ClientOptions): UnaryChannel {
  if (options.implementation === "grpc-js") {
    return new GrpcJsChannel(address, {
      ...clientKeepalive,
      ...BACKOFF,
      maxMessageBytes: MAX_MESSAGE_BYTES,
      maxHeaderListBytes: MAX_HEADER_LIST_BYTES,
    });
  }
  return new Http2Channel(
    address,
    {
      windowBytes: WINDOW_BYTES,
      ...clientKeepalive,
      ...channelLimits,
      ...BACKOFF,
      // Once a second: a draining server reports NOT_SERVING for SHUTDOWN_DELAY_MS (5 s in
      // deploy/), so calls move to another replica well before it stops taking them.
      healthPollMs: options.healthPollMs ?? 1_000,
      resolveEveryMs: options.resolveEveryMs,
    },
    options.resolveTargets,
  );
}

async function callUnary(
  call: {
    channel: UnaryChannel;
    method: UnaryMethod;
    timeoutMs: number;
    shape: RpcSpanShape;
    sign: ((subject: string, method: string) => string | Promise<string>) | undefined;
  },
  request: unknown,
  settings: CallSettings,
): Promise<unknown> {
  const { method, shape } = call;
  const span = kitTracer().startSpan(shape.name, {
    kind: SpanKind.CLIENT,
    attributes: shape.attributes,
  });
  let code: status = status.INTERNAL;
  try {
    const headers: Record<string, string> = {};
    if (call.sign !== undefined) {
      const token = call.sign(settings.userId ?? GATEWAY_SUBJECT, method.path);
      headers[CALLER_HEADER] = typeof token === "string" ? token : await token;
    }
    if (settings.idempotencyKey !== undefined) {
      headers[IDEMPOTENCY_KEY_METADATA] = settings.idempotencyKey;
    }
    injectTraceHeaders(trace.setSpan(context.active(), span), headers);
    const response = await call.channel.unary(
      {
        path: method.path,
        message: method.requestSerialize(request),
        headers,
        timeoutMs: settings.timeoutMs ?? call.timeoutMs,
        signal: settings.signal,
      },
      MAX_MESSAGE_BYTES,
    );
    const message = deserialize(method, response);
    code = status.OK;
    return message;
  } catch (error) {
    code = error instanceof CallError ? error.code : status.INTERNAL;
    throw error;
  } finally {
    endRpcSpan(span, SpanKind.CLIENT, code);
  }
}

function deserialize(method: UnaryMethod, bytes: Buffer): unknown {
  try {
    return method.responseDeserialize(bytes);
  } catch (error) {
    throw new CallError(
      status.INTERNAL,
      `Response message parsing error: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
