import type { Meter } from "@opentelemetry/api";
import type { Logger } from "../log.ts";
import { measureServerCalls } from "../telemetry/rpc-metrics.ts";
import { healthDefinition } from "../wire/health-definition.ts";
import { serverKeepalive } from "../wire/keepalive.ts";
import type { ServiceDefinitionShape } from "../wire/method-types.ts";
import { H2GrpcServer } from "./h2-server.ts";
import { HealthRegistry } from "./health-registry.ts";
import { type MethodCodec, type MethodRoute, streamRoute, unaryRoute } from "./method-route.ts";
import { MAX_CONNECTIONS } from "./server-bounds.ts";
import type { ServiceImplementation, StreamHandler, UnaryHandler } from "./server-call.ts";

export interface ServiceRegistration {
  /** Full service name for health checks, e.g. "trellis.notes.v1.NotesService". */
  name: string;
  definition: ServiceDefinitionShape;
  /** `bindService`'s handlers, by the definition's method names. */
  implementation: ServiceImplementation;
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
   * A connection older than this (+/-10% jitter, as grpc-js has it) is sent GOAWAY, so its client
   * connects again, asks DNS again and meets replicas started since; 0 or unset: never.
   */
  maxConnectionAgeMs?: number;
  /** How long the calls of a connection sent GOAWAY for its age may still run before it closes. */
  maxConnectionAgeGraceMs?: number;
  /** Records rpc.server.call.duration of the services' calls (not health's); null: metrics off. */
  meter?: Meter | null;
  /**
   * Open connections at most (default MAX_CONNECTIONS, 1,000); a connection past it is closed
   * before any call, and the refusals are logged at warn once per burst (10 s).
   */
  maxConnections?: number;
}

export interface GrpcServer {
  port: number;
  /** Marks every service SERVING; call it once the service can answer (migrations done). */
  markServing(): void;
  /** NOT_SERVING, wait `shutdownDelayMs`, refuse new calls, drain in-flight ones. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Starts the kit's gRPC server (`h2-server.ts`, on node:http2) with grpc.health.v1 registered.
 * Every service, and the overall "" entry, reports NOT_SERVING until `markServing()`, so probes
 * wait for migrations.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServer> {
  const names = ["", ...options.services.map((service) => service.name)];
  const health = new HealthRegistry(
    Object.fromEntries(names.map((name) => [name, "NOT_SERVING" as const])),
  );
  const maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
  const server = new H2GrpcServer(
    routesOf(options, health),
    {
      keepaliveTimeMs: serverKeepalive.keepaliveTimeMs,
      keepaliveTimeoutMs: serverKeepalive.keepaliveTimeoutMs,
      maxAgeMs: options.maxConnectionAgeMs ?? 0,
      maxAgeGraceMs: options.maxConnectionAgeGraceMs ?? DEFAULT_MAX_AGE_GRACE_MS,
    },
    {
      maxConnections,
      // A count and the cap only: who connected is no business of the log.
      onConnectionsRefused: (refused) =>
        options.log.warn(
          { refused, max_connections: maxConnections },
          "connections refused: the server holds its maximum",
        ),
    },
  );
  const port = await server.listen(options.host, options.port);
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
      stopping ??= drain(server, options, {
        markNotServing: () => setAll("NOT_SERVING"),
        endWatches: () => health.endWatches(),
      });
      return stopping;
    },
  };
}

// grpc-js's default for grpc.max_connection_age_grace_ms is "no limit"; a day stands for it.
const DEFAULT_MAX_AGE_GRACE_MS = 24 * 3_600_000;

/** Health's methods and the services' (each measured when there is a meter), by path. */
function routesOf(options: GrpcServerOptions, health: HealthRegistry): Map<string, MethodRoute> {
  const routes = new Map<string, MethodRoute>();
  addRoutes(routes, healthDefinition, health.implementation());
  for (const { definition, implementation } of options.services) {
    const measured = options.meter
      ? measureServerCalls(definition, implementation, options.meter)
      : implementation;
    addRoutes(routes, definition, measured);
  }
  return routes;
}

/** A route per implemented method of `definition`; the others answer UNIMPLEMENTED. */
function addRoutes(
  routes: Map<string, MethodRoute>,
  definition: ServiceDefinitionShape,
  implementation: ServiceImplementation,
): void {
  for (const [name, handler] of Object.entries(implementation)) {
    const method = definition[name];
    if (method === undefined) {
      continue;
    }
    // Generated definitions (ts-proto's grpc-js output) carry their codec beside the path.
    const codec = method as unknown as MethodCodec;
    routes.set(
      method.path,
      method.responseStream
        ? streamRoute(codec, handler as StreamHandler)
        : unaryRoute(codec, handler as UnaryHandler),
    );
  }
}

async function drain(
  server: H2GrpcServer,
  options: GrpcServerOptions,
  health: { markNotServing(): void; endWatches(): void },
): Promise<void> {
  health.markNotServing();
  options.log.info({ delay_ms: options.shutdownDelayMs }, "shutting down: health NOT_SERVING");
  await Bun.sleep(options.shutdownDelayMs);
  health.endWatches();
  const cut = await server.drain(options.shutdownGraceMs);
  if (cut > 0) {
    options.log.warn({ grace_ms: options.shutdownGraceMs }, "drain timed out: cancelling calls");
  }
  options.log.info("grpc server stopped");
}
