import type * as GrpcJs from "@grpc/grpc-js";
import type { Client, ServiceError } from "@grpc/grpc-js";
import { ERROR_CODE_METADATA } from "../errors.ts";
import { status } from "../wire/status.ts";
import { CallError } from "./call-error.ts";
import type { UnaryRequest } from "./unary-call.ts";
import type { UnaryChannel } from "./unary-channel.ts";

export interface GrpcJsChannelOptions {
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** The largest message sent or accepted: grpc-js bounds it per channel, not per call. */
  maxMessageBytes: number;
  maxHeaderListBytes: number;
}

const passThrough = (bytes: Buffer): Buffer => bytes;

const ROUND_ROBIN = JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] });

/**
 * grpc-js, evaluated only when this fallback is chosen: loading it costs about 8 MB of RSS per
 * process (wire/status.ts), which no process should pay for a client it does not use.
 */
function loadGrpcJs(): typeof GrpcJs {
  return require("@grpc/grpc-js") as typeof GrpcJs;
}

/**
 * createClient's calls on grpc-js's client (GRPC_CLIENT=grpc-js): the fallback should the kit's
 * HTTP/2 client misbehave somewhere, at about three times its CPU per call. It balances over the
 * name's addresses with grpc-js's round_robin (it re-resolves DNS when a connection is lost), but
 * has none of the kit channel's health polling of draining addresses.
 */
export class GrpcJsChannel implements UnaryChannel {
  readonly #client: Client;
  readonly #grpc = loadGrpcJs();

  constructor(address: string, options: GrpcJsChannelOptions) {
    const { Client, credentials } = this.#grpc;
    this.#client = new Client(address, credentials.createInsecure(), {
      "grpc.keepalive_time_ms": options.keepaliveTimeMs,
      "grpc.keepalive_timeout_ms": options.keepaliveTimeoutMs,
      "grpc.keepalive_permit_without_calls": 1,
      "grpc.initial_reconnect_backoff_ms": options.initialBackoffMs,
      "grpc.max_reconnect_backoff_ms": options.maxBackoffMs,
      "grpc.max_receive_message_length": options.maxMessageBytes,
      "grpc.max_send_message_length": options.maxMessageBytes,
      "grpc.max_metadata_size": options.maxHeaderListBytes,
      // Every address of the name, in turn (grpc-js's default, pick_first, uses one).
      "grpc.service_config": ROUND_ROBIN,
    });
  }

  unary(request: Omit<UnaryRequest, "maxResponseBytes">): Promise<Buffer> {
    const { signal } = request;
    if (signal?.aborted) {
      return Promise.reject(new CallError(status.CANCELLED, "Cancelled on client"));
    }
    const metadata = new this.#grpc.Metadata();
    for (const [name, value] of Object.entries(request.headers)) {
      metadata.set(name, value);
    }
    return new Promise((resolve, reject) => {
      const call = this.#client.makeUnaryRequest(
        request.path,
        passThrough,
        passThrough,
        Buffer.from(request.message),
        metadata,
        { deadline: Date.now() + request.timeoutMs },
        (error: ServiceError | null, response?: Buffer) => {
          signal?.removeEventListener("abort", cancel);
          if (error === null && response !== undefined) {
            resolve(response);
          } else {
            reject(callErrorOf(error));
          }
        },
      );
      const cancel = (): void => call.cancel();
      signal?.addEventListener("abort", cancel, { once: true });
    });
  }

  close(): void {
    this.#client.close();
  }
}

/** grpc-js's ServiceError as the kit's CallError, the service's own error code included. */
function callErrorOf(error: ServiceError | null): CallError {
  if (error === null) {
    return new CallError(status.INTERNAL, "No message received");
  }
  const [errorCode] = error.metadata?.get(ERROR_CODE_METADATA) ?? [];
  return new CallError(
    error.code as number as status,
    error.details,
    typeof errorCode === "string" ? { errorCode } : {},
  );
}
