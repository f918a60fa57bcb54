import {
  type CallOptions,
  type ChannelCredentials,
  type Client,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
  status,
} from "@grpc/grpc-js";
import { context, SpanKind, trace } from "@opentelemetry/api";
import { endRpcSpan, type RpcSpanShape, rpcSpanShape } from "../telemetry/rpc-span.ts";
import { injectTraceContext } from "../telemetry/trace-context.ts";
import { kitTracer } from "../telemetry/tracer.ts";
import { callerSigner, GATEWAY_SUBJECT } from "./caller.ts";
import { withoutChannelz } from "./channelz.ts";
import { clientKeepalive } from "./keepalive.ts";
import type { RequestOf, ResponseOf, ServiceDefinitionShape } from "./method-types.ts";

export interface CallSettings {
  /** The user on whose behalf the call is made; unset means the gateway itself. */
  userId?: string;
  /** Overrides the client's default timeout for this call. */
  timeoutMs?: number;
  /** Cancels the call when it aborts. */
  signal?: AbortSignal;
}

/** A promise-returning client for a generated service definition. */
export type PromiseClient<Definition extends ServiceDefinitionShape> = {
  [Name in keyof Definition]: (
    request: RequestOf<Definition[Name]>,
    settings?: CallSettings,
  ) => Promise<ResponseOf<Definition[Name]>>;
} & { close(): void };

export interface ClientOptions {
  /** Deadline of every call unless a call sets its own: grpc-js has no default deadline. */
  timeoutMs: number;
  /** Signs each call's caller identity; without it calls carry none (services refuse them). */
  callerSecret?: string;
  credentials?: ChannelCredentials;
}

type RawUnary = (
  request: unknown,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: unknown) => void,
) => { cancel(): void };

/**
 * Creates a client whose methods return promises and always carry a deadline. Failed calls
 * reject with the grpc-js ServiceError (`code`, `details`). Each call is a CLIENT span, child of
 * the active span, whose W3C trace context travels in the call's metadata.
 */
export function createClient<Definition extends ServiceDefinitionShape>(
  definition: Definition,
  address: string,
  options: ClientOptions,
): PromiseClient<Definition> {
  const Constructor = makeGenericClientConstructor(definition as never, "");
  const client: Client = new Constructor(
    address,
    options.credentials ?? credentials.createInsecure(),
    // HTTP/2's default 64 KiB receive window stalls one busy channel: with 64 list responses in
    // flight, GET /api/notes waited up to ~1 s for window updates (p99 1,080 ms, 504s at the 2 s
    // deadline, ~550 req/s). With 4 MiB: p99 ~130 ms, ~930 req/s (bench --only notes-list).
    { "grpc-node.flow_control_window": 4 * 1024 * 1024, ...withoutChannelz, ...clientKeepalive },
  );
  const sign = options.callerSecret === undefined ? undefined : callerSigner(options.callerSecret);
  const methods: Record<string, unknown> = {
    close: () => client.close(),
  };
  for (const name of Object.keys(definition)) {
    const raw = (client as unknown as Record<string, RawUnary>)[name];
    const method = definition[name];
    if (raw === undefined || method === undefined) {
      continue;
    }
    const call = raw.bind(client);
    const callOptions = {
      ...options,
      shape: rpcSpanShape(method.path, SpanKind.CLIENT, address),
      sign,
    };
    methods[name] = (request: unknown, settings: CallSettings = {}) =>
      callUnary(call, request, settings, callOptions);
  }
  return methods as PromiseClient<Definition>;
}

function callUnary(
  raw: RawUnary,
  request: unknown,
  settings: CallSettings,
  options: ClientOptions & {
    shape: RpcSpanShape;
    sign: ((subject: string) => Metadata) | undefined;
  },
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const { shape } = options;
    const span = kitTracer().startSpan(shape.name, {
      kind: SpanKind.CLIENT,
      attributes: shape.attributes,
    });
    const metadata =
      options.sign === undefined
        ? new Metadata()
        : options.sign(settings.userId ?? GATEWAY_SUBJECT);
    injectTraceContext(trace.setSpan(context.active(), span), metadata);
    const deadline = Date.now() + (settings.timeoutMs ?? options.timeoutMs);
    let call: { cancel(): void };
    try {
      call = raw(request, metadata, { deadline }, (error, response) => {
        settings.signal?.removeEventListener("abort", cancel);
        endRpcSpan(span, SpanKind.CLIENT, error?.code ?? status.OK);
        if (error) {
          reject(error);
        } else {
          resolve(response);
        }
      });
    } catch (error) {
      // Should grpc-js throw before the call starts (the promise then rejects), end the span too.
      endRpcSpan(span, SpanKind.CLIENT, status.INTERNAL);
      throw error;
    }
    const cancel = (): void => call.cancel();
    settings.signal?.addEventListener("abort", cancel, { once: true });
  });
}
