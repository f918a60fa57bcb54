// Keeps 64 unary calls in flight against server.ts for a while with one client, then prints
// {calls, seconds, cpuUs} for the measured part as JSON. Usage:
//   bun client.ts <grpc-js|kit> <port> <warm-up seconds> <seconds>
import { credentials, Metadata, makeGenericClientConstructor } from "@grpc/grpc-js";
import { createClient } from "@trellis/service-kit";
import { echoDefinition } from "./echo-definition.ts";

const [kind, port, warmupS, runS] = process.argv.slice(2);
const address = `127.0.0.1:${port}`;
const message = Buffer.alloc(120, 7); // about a note's size
const IN_FLIGHT = 64;

function grpcJsCall(): () => Promise<unknown> {
  const Client = makeGenericClientConstructor(echoDefinition, "");
  const client = new Client(address, credentials.createInsecure(), { "grpc.enable_channelz": 0 });
  type RawUnary = (
    message: Buffer,
    metadata: Metadata,
    options: { deadline: number },
    callback: (error: Error | null) => void,
  ) => void;
  const echo = (client as unknown as { echo: RawUnary }).echo.bind(client);
  return () =>
    new Promise((resolve, reject) =>
      echo(message, new Metadata(), { deadline: Date.now() + 2_000 }, (error: Error | null) =>
        error ? reject(error) : resolve(undefined),
      ),
    );
}

function kitCall(): () => Promise<unknown> {
  const client = createClient(echoDefinition, address, { timeoutMs: 2_000 });
  return () => client.echo(message);
}

const call = kind === "grpc-js" ? grpcJsCall() : kitCall();

async function load(seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let calls = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < until) {
      await call();
      calls += 1;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, loop));
  return calls;
}

await load(Number(warmupS));
const started = performance.now();
const cpu = process.cpuUsage();
const calls = await load(Number(runS));
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({
    calls,
    seconds: (performance.now() - started) / 1000,
    cpuUs: used.user + used.system,
  }),
);
process.exit(0);
