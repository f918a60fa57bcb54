// A grpc-js server with one unary method that answers its request's bytes, set up as the kit's
// services are (channelz off): the far end of bench/investigations/grpc-client/run.ts.
// Environment: PORT.
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from "@grpc/grpc-js";
import { echoDefinition } from "./echo-definition.ts";

const server = new Server({ "grpc.enable_channelz": 0 });
server.addService(echoDefinition, {
  echo: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) =>
    callback(null, call.request),
});
server.bindAsync(`127.0.0.1:${process.env.PORT}`, ServerCredentials.createInsecure(), (error) => {
  if (error) {
    throw error;
  }
  console.log("ready");
});
process.on("SIGTERM", () => server.forceShutdown());
