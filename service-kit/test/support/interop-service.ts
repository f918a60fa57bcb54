import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type sendUnaryData,
  status,
} from "@grpc/grpc-js";
import { silentLogger } from "../../src/log.ts";
import { startGrpcServer } from "../../src/server/grpc-server.ts";
import type { ServerCall } from "../../src/server/server-call.ts";
import {
  decodeEmpty,
  decodeSimpleRequest,
  decodeSimpleResponse,
  type Empty,
  encodeEmpty,
  encodeSimpleRequest,
  encodeSimpleResponse,
  type SimpleRequest,
  type SimpleResponse,
} from "./interop-messages.ts";

// grpc.testing.TestService (grpc/src/proto/grpc/testing/test.proto), its unary methods, as
// ts-proto would generate them for grpc-js, and a server of it as the interop suite describes
// (doc/interop-test-descriptions.md) twice: on plain grpc-js, and on the kit's own server.

/** One unary method as ts-proto's grpc-js output has it. */
interface UnaryMethod<Request, Response> {
  path: string;
  requestStream: false;
  responseStream: false;
  requestSerialize(message: Request): Buffer;
  requestDeserialize(bytes: Buffer): Request;
  responseSerialize(message: Response): Buffer;
  responseDeserialize(bytes: Buffer): Response;
  originalName: string;
}

interface Codec<Message> {
  encode(message: Message): Buffer;
  decode(bytes: Buffer): Message;
}

function method<Request, Response>(
  name: string,
  request: Codec<Request>,
  response: Codec<Response>,
): UnaryMethod<Request, Response> {
  return {
    path: `/grpc.testing.TestService/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: request.encode,
    requestDeserialize: request.decode,
    responseSerialize: response.encode,
    responseDeserialize: response.decode,
    originalName: name,
  };
}

const empty: Codec<Empty> = { encode: encodeEmpty, decode: decodeEmpty };
const simpleRequest: Codec<SimpleRequest> = {
  encode: encodeSimpleRequest,
  decode: decodeSimpleRequest,
};
const simpleResponse: Codec<SimpleResponse> = {
  encode: encodeSimpleResponse,
  decode: decodeSimpleResponse,
};

// A type alias, as ts-proto emits: unlike an interface it fits ServiceDefinitionShape.
export type TestServiceDefinition = {
  emptyCall: UnaryMethod<Empty, Empty>;
  unaryCall: UnaryMethod<SimpleRequest, SimpleResponse>;
  unimplementedCall: UnaryMethod<Empty, Empty>;
};

export const testServiceDefinition: TestServiceDefinition = {
  emptyCall: method<Empty, Empty>("EmptyCall", empty, empty),
  unaryCall: method<SimpleRequest, SimpleResponse>("UnaryCall", simpleRequest, simpleResponse),
  /** Not implemented by the server: the unimplemented_method case calls it. */
  unimplementedCall: method<Empty, Empty>("UnimplementedCall", empty, empty),
};

export interface InteropServer {
  port: number;
  /** UnaryCall answers this much later: the "sleeping server" of timeout_on_sleeping_server. */
  setSleepMs(ms: number): void;
  stop(): void;
}

/** Starts a grpc-js server of TestService (all but UnimplementedCall) on 127.0.0.1. */
export async function startInteropServer(): Promise<InteropServer> {
  let sleepMs = 0;
  const server = new Server();
  const { emptyCall, unaryCall } = testServiceDefinition;
  server.addService(
    { emptyCall, unaryCall },
    {
      emptyCall: (_call: ServerUnaryCall<Empty, Empty>, done: sendUnaryData<Empty>) =>
        done(null, {}),
      unaryCall: (
        call: ServerUnaryCall<SimpleRequest, SimpleResponse>,
        done: sendUnaryData<SimpleResponse>,
      ) => {
        setTimeout(() => done(...answer(call.request)), sleepMs);
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) =>
      error === null ? resolve(bound) : reject(error),
    ),
  );
  return {
    port,
    setSleepMs: (ms) => {
      sleepMs = ms;
    },
    stop: () => server.forceShutdown(),
  };
}

/** UnaryCall as the interop server answers it: the status asked for, or `response_size` zeros. */
function answer(
  request: SimpleRequest,
): [{ code: status; details: string } | null, SimpleResponse?] {
  const echo = request.responseStatus;
  if (echo !== undefined && echo.code !== status.OK) {
    return [{ code: echo.code, details: echo.message }];
  }
  return [null, { payload: { body: new Uint8Array(request.responseSize) } }];
}

/**
 * The same TestService on the kit's own server (`startGrpcServer`), its handlers written against
 * the kit's call type directly (no caller tokens: interop clients carry none).
 */
export async function startKitInteropServer(): Promise<InteropServer> {
  let sleepMs = 0;
  const { emptyCall, unaryCall } = testServiceDefinition;
  const server = await startGrpcServer({
    services: [
      {
        name: "grpc.testing.TestService",
        definition: { emptyCall, unaryCall },
        implementation: {
          emptyCall: async () => ({ response: {} }),
          unaryCall: async (call: ServerCall) => {
            await Bun.sleep(sleepMs);
            const [error, response] = answer(call.request as SimpleRequest);
            return error === null ? { response } : { error };
          },
        },
      },
    ],
    host: "127.0.0.1",
    port: 0,
    log: silentLogger(),
    shutdownDelayMs: 0,
    shutdownGraceMs: 1_000,
  });
  server.markServing();
  return {
    port: server.port,
    setSleepMs: (ms) => {
      sleepMs = ms;
    },
    stop: () => void server.shutdown(),
  };
}
