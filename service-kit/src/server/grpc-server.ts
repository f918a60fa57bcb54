import { Server, ServerCredentials, type UntypedServiceImplementation } from "@grpc/grpc-js";
import type { Meter } from "@opentelemetry/api";
import type { Logger } from "../log.ts";
import { measureServerCalls } from "../telemetry/rpc-metrics.ts";
import { healthDefinition } from "../wire/health-definition.ts";
import { serverKeepalive } from "../wire/keepalive.ts";
import { MAX_MESSAGE_BYTES } from "../wire/limits.ts";
import type { ServiceDefinitionShape } from "../wire/method-types.ts";
import { withoutChannelz } from "./channelz.ts";
import { HealthRegistry } from "./health-registry.ts";

export interface ServiceRegistration {
  /** Full service name for health checks, e.g. "trellis.notes.v1.NotesService". */
  name: string;
  definition: ServiceDefinitionShape;
  implementation: UntypedServiceImplementation;
}

export interface GrpcServerOptions {
  services: ServiceRegistration[];
  host: string;
  /** 0 picks a free port; read the chosen one from `GrpcServer.port`. */
  port: number;
  log: Logger;
  /** How long health reports NOT_SERVING, with calls still accepted, before the drain. */
  shutdownDelayMs: number;
  /** How long in-flight calls may finish once no new ones are accepted. */
  shutdownGraceMs: number;
  /**
   * A connection older than this (grpc-js adds +/-10% jitter) is sent GOAWAY, so its client
   * connects again, asks DNS again and meets replicas started since; 0 or unset: never.
   */
  maxConnectionAgeMs?: number;
  /** How long the calls of a connection sent GOAWAY for its age may still run before it closes. */
  maxConnectionAgeGraceMs?: number;
  /** Records rpc.server.call.duration of the services' calls (not health's); null: metrics off. */
  meter?: Meter | null;
}

export interface GrpcServer {
  port: number;
  /** Marks every service SERVING; call it once the service can answer (migrations done). */
  markServing(): void;
  /** NOT_SERVING, wait `shutdownDelayMs`, refuse new calls, drain in-flight ones. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Starts a gRPC server with grpc.health.v1 registered. Every service, and the overall ""
 * entry, reports NOT_SERVING until `markServing()`, so probes wait for migrations.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServer> {
  const names = ["", ...options.services.map((service) => service.name)];
  const health = new HealthRegistry(
    Object.fromEntries(names.map((name) => [name, "NOT_SERVING" as const])),
  );
  const server = new Server({
    ...serverKeepalive,
    ...withoutChannelz,
    ...messageLimits,
    ...connectionAge(options),
  });
  server.addService(healthDefinition, health.implementation());
  for (const service of options.services) {
    const { definition, implementation } = service;
    server.addService(
      definition as never,
      options.meter
        ? measureServerCalls(definition, implementation, options.meter)
        : implementation,
    );
  }
  const port = await bind(server, `${options.host}:${options.port}`);
  options.log.info({ address: `${options.host}:${port}` }, "grpc server listening");

  let stopping: Promise<void> | undefined;
  const setAll = (state: "SERVING" | "NOT_SERVING"): void => {
    for (const name of names) {
      health.set(name, state);
    }
  };
  return {
    port,
    markServing: () => setAll("SERVING"),
    shutdown() {
      stopping ??= drain(
        server,
        options,
        () => setAll("NOT_SERVING"),
        () => health.endWatches(),
      );
      return stopping;
    },
  };
}

// grpc-js sends messages of any size unless told: bounded like the kit's client, an answer too
// large fails here (RESOURCE_EXHAUSTED) instead of crossing the network to be refused.
const messageLimits = {
  "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
} as const;

/** grpc-js's options for `maxConnectionAgeMs`; none (its default: no limit) when unset or 0. */
function connectionAge(options: GrpcServerOptions): Record<string, number> {
  const { maxConnectionAgeMs, maxConnectionAgeGraceMs } = options;
  if (maxConnectionAgeMs === undefined || maxConnectionAgeMs <= 0) {
    return {};
  }
  return {
    "grpc.max_connection_age_ms": maxConnectionAgeMs,
    ...(maxConnectionAgeGraceMs === undefined
      ? {}
      : { "grpc.max_connection_age_grace_ms": maxConnectionAgeGraceMs }),
  };
}

function bind(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) => {
      if (error) {
        reject(error);
      } else {
        resolve(port);
      }
    });
  });
}

async function drain(
  server: Server,
  options: GrpcServerOptions,
  markNotServing: () => void,
  endWatches: () => void,
): Promise<void> {
  markNotServing();
  options.log.info({ delay_ms: options.shutdownDelayMs }, "shutting down: health NOT_SERVING");
  await Bun.sleep(options.shutdownDelayMs);
  endWatches();
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      options.log.warn({ grace_ms: options.shutdownGraceMs }, "drain timed out: cancelling calls");
      server.forceShutdown();
      resolve();
    }, options.shutdownGraceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
  options.log.info("grpc server stopped");
}
