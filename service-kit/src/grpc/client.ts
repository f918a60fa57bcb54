import {
  type CallOptions,
  type ChannelCredentials,
  type Client,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
} from "@grpc/grpc-js";
import { callerMetadata, GATEWAY_SUBJECT } from "./caller.ts";
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
 * reject with the grpc-js ServiceError (`code`, `details`).
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
  );
  const methods: Record<string, unknown> = {
    close: () => client.close(),
  };
  for (const name of Object.keys(definition)) {
    const raw = (client as unknown as Record<string, RawUnary>)[name];
    if (raw === undefined) {
      continue;
    }
    methods[name] = (request: unknown, settings: CallSettings = {}) =>
      callUnary(raw.bind(client), request, settings, options);
  }
  return methods as PromiseClient<Definition>;
}

function callUnary(
  raw: RawUnary,
  request: unknown,
  settings: CallSettings,
  options: ClientOptions,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const metadata =
      options.callerSecret === undefined
        ? new Metadata()
        : callerMetadata(settings.userId ?? GATEWAY_SUBJECT, options.callerSecret);
    const deadline = Date.now() + (settings.timeoutMs ?? options.timeoutMs);
    const call = raw(request, metadata, { deadline }, (error, response) => {
      settings.signal?.removeEventListener("abort", cancel);
      if (error) {
        reject(error);
      } else {
        resolve(response);
      }
    });
    const cancel = (): void => call.cancel();
    settings.signal?.addEventListener("abort", cancel, { once: true });
  });
}
