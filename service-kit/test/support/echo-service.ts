import type { Meter } from "@opentelemetry/api";
import { testCallerKeys } from "@trellis/testing";
import { parsePublicKeys } from "../../src/caller/caller-keys.ts";
import { type Logger, silentLogger } from "../../src/log.ts";
import { bindService, internal, type Unary } from "../../src/server/bind-service.ts";
import { type GrpcServer, startGrpcServer } from "../../src/server/grpc-server.ts";

/** A tiny service shaped like ts-proto's grpc-js output, with JSON instead of protobuf. */

export const ECHO_SERVICE_NAME = "test.v1.EchoService";

export interface EchoRequest {
  text: string;
}

export interface EchoResponse {
  text: string;
  userId: string;
}

interface JsonMethod {
  path: string;
  requestStream: false;
  responseStream: false;
  requestSerialize(value: EchoRequest): Buffer;
  requestDeserialize(bytes: Buffer): EchoRequest;
  responseSerialize(value: EchoResponse): Buffer;
  responseDeserialize(bytes: Buffer): EchoResponse;
}

// A type alias, as ts-proto emits: unlike an interface it fits ServiceDefinitionShape.
/** `echo` needs a user; `ping` is internal (the gateway's own calls). */
export type EchoServiceDefinition = { echo: JsonMethod; ping: JsonMethod };

function jsonMethod(name: string): JsonMethod {
  return {
    path: `/${ECHO_SERVICE_NAME}/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (value) => Buffer.from(JSON.stringify(value)),
    requestDeserialize: (bytes) => JSON.parse(bytes.toString()),
    responseSerialize: (value) => Buffer.from(JSON.stringify(value)),
    responseDeserialize: (bytes) => JSON.parse(bytes.toString()),
  };
}

export const echoService: EchoServiceDefinition = {
  echo: jsonMethod("Echo"),
  ping: jsonMethod("Ping"),
};

/** Answers with the request text and no user: it never sees one. */
export const ping: Unary<EchoRequest, EchoResponse> = internal(async (request) => ({
  text: request.text,
  userId: "",
}));

/** Echoes the request text back with the caller's user id. */
export const echo: Unary<EchoRequest, EchoResponse> = async (request, caller) => ({
  text: request.text,
  userId: caller.userId,
});

/**
 * The echo service on 127.0.0.1 (or `host`), a port of its own (or `port`), health NOT_SERVING
 * until markServing().
 */
export function startEchoHost(
  options: {
    handler?: Unary<EchoRequest, EchoResponse>;
    log?: Logger;
    host?: string;
    port?: number;
    shutdownDelayMs?: number;
    shutdownGraceMs?: number;
    maxConnectionAgeMs?: number;
    maxConnectionAgeGraceMs?: number;
    maxConnections?: number;
    meter?: Meter | null;
  } = {},
): Promise<GrpcServer> {
  const log = options.log ?? silentLogger();
  return startGrpcServer({
    services: [
      {
        name: ECHO_SERVICE_NAME,
        definition: echoService,
        implementation: bindService(
          echoService,
          { echo: options.handler ?? echo, ping },
          { log, callerKeys: parsePublicKeys(testCallerKeys.publicKeys) },
        ),
      },
    ],
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    log,
    shutdownDelayMs: options.shutdownDelayMs ?? 0,
    shutdownGraceMs: options.shutdownGraceMs ?? 10_000,
    maxConnectionAgeMs: options.maxConnectionAgeMs,
    maxConnectionAgeGraceMs: options.maxConnectionAgeGraceMs,
    maxConnections: options.maxConnections,
    meter: options.meter ?? null,
  });
}
