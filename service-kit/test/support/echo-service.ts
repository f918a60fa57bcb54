/** A tiny service shaped like ts-proto's grpc-js output, with JSON instead of protobuf. */

export const ECHO_SERVICE_NAME = "test.v1.EchoService";

export interface EchoRequest {
  text: string;
}

export interface EchoResponse {
  text: string;
  userId: string;
}

// A type alias, as ts-proto emits: unlike an interface it fits ServiceDefinitionShape.
export type EchoServiceDefinition = {
  echo: {
    path: string;
    requestStream: false;
    responseStream: false;
    requestSerialize(value: EchoRequest): Buffer;
    requestDeserialize(bytes: Buffer): EchoRequest;
    responseSerialize(value: EchoResponse): Buffer;
    responseDeserialize(bytes: Buffer): EchoResponse;
  };
};

export const echoService: EchoServiceDefinition = {
  echo: {
    path: `/${ECHO_SERVICE_NAME}/Echo`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: EchoRequest): Buffer => Buffer.from(JSON.stringify(value)),
    requestDeserialize: (bytes: Buffer): EchoRequest => JSON.parse(bytes.toString()),
    responseSerialize: (value: EchoResponse): Buffer => Buffer.from(JSON.stringify(value)),
    responseDeserialize: (bytes: Buffer): EchoResponse => JSON.parse(bytes.toString()),
  },
};
