// The kit's bindService answering its request's bytes, built from the tree given: the far end
// of hop-ab.ts. argv: <tree root> <port>; env PUBLIC_KEY (new) or SECRET (old).
import { Server, ServerCredentials } from "@grpc/grpc-js";

const [root, port] = process.argv.slice(2);
const kit = await import(`${root}/service-kit/src/index.ts`);
const { echoDefinition } = await import(
  `${root}/bench/investigations/grpc-client/echo-definition.ts`
);
const options = kit.parsePublicKeys
  ? { log: kit.silentLogger(), callerKeys: kit.parsePublicKeys(process.env.PUBLIC_KEY) }
  : { log: kit.silentLogger(), callerSecret: process.env.SECRET };
const implementation = kit.bindService(
  echoDefinition,
  { echo: async (request: Buffer) => request },
  options,
);
const server = new Server({ "grpc.enable_channelz": 0 });
server.addService(echoDefinition, implementation);
server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error) => {
  if (error) {
    throw error;
  }
  console.log("ready");
});
process.on("SIGTERM", () => server.forceShutdown());
