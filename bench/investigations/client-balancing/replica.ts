// One echo server from the kit at KIT (a service-kit folder), on a free port of 127.0.0.1; prints
// the port once it serves.
const kit = process.env.KIT ?? "";
const { startEchoHost } = await import(`${kit}/test/support/echo-service.ts`);
const server = await startEchoHost({});
server.markServing();
process.stdout.write(`${server.port}\n`);
