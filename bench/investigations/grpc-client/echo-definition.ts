// One unary method whose messages are raw bytes: what grpc-js and the kit's client both take.
export const echoDefinition = {
  echo: {
    path: "/bench.v1.Echo/Echo",
    requestStream: false,
    responseStream: false,
    requestSerialize: (message: Buffer): Buffer => message,
    requestDeserialize: (bytes: Buffer): Buffer => bytes,
    responseSerialize: (message: Buffer): Buffer => message,
    responseDeserialize: (bytes: Buffer): Buffer => bytes,
  },
};
