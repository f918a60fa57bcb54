// The kit's bindService answering its request's bytes, built from the tree given: the far end
// of hop-ab.ts. argv: <tree root> <port>; env PUBLIC_KEY (new) or SECRET (old). Served by the
// tree's own startGrpcServer: grpc-js's server in trees before the kit's own (h2-server), the
// kit's after, as bindService's implementations follow the server they are written for.

const [root, port] = process.argv.slice(2);
const kit = await import(`${root}/service-kit/src/index.ts`);
const { echoDefinition } = await import(
  `${root}/bench/investigations/grpc-client/echo-definition.ts`
);
const log = kit.silentLogger();
const options = kit.parsePublicKeys
  ? { log, callerKeys: kit.parsePublicKeys(process.env.PUBLIC_KEY) }
  : { log, callerSecret: process.env.SECRET };
const implementation = kit.bindService(
  echoDefinition,
  { echo: async (request: Buffer) => request },
  options,
);
const server = await kit.startGrpcServer({
  services: [{ name: "bench.Echo", definition: echoDefinition, implementation }],
  host: "127.0.0.1",
  port: Number(port),
  log,
  shutdownDelayMs: 0,
  shutdownGraceMs: 1_000,
});
server.markServing();
console.log("ready");
process.on("SIGTERM", () => {
  void server.shutdown().then(() => process.exit(0));
});
