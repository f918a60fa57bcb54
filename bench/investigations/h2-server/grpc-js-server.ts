// A: a grpc-js server with the options the kit's startGrpcServer sets (service-kit/src/server/
// grpc-server.ts: keepalive, channelz off, 4 MiB message limits), answering the notes-like
// methods with fixed bytes. Environment: PORT.
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from "@grpc/grpc-js";
import { answers, notesLikeDefinition } from "./notes-like-definition.ts";

const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

const server = new Server({
  "grpc.keepalive_time_ms": 60_000,
  "grpc.keepalive_timeout_ms": 10_000,
  "grpc.enable_channelz": 0,
  "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
});
type Call = ServerUnaryCall<Buffer, Buffer>;
server.addService(notesLikeDefinition, {
  create: (_call: Call, callback: sendUnaryData<Buffer>) => callback(null, answers.create),
  list: (_call: Call, callback: sendUnaryData<Buffer>) => callback(null, answers.list),
});
server.bindAsync(`127.0.0.1:${process.env.PORT}`, ServerCredentials.createInsecure(), (error) => {
  if (error) {
    throw error;
  }
  console.log("ready");
});
process.on("SIGTERM", () => server.forceShutdown());
