// Keeps `inFlight` unary calls of one notes-like method going against a server with the kit's
// client, each on behalf of one of 500 users (so the caller token, ~450 bytes, varies as the
// gateway's do), then prints {calls, seconds, serverCpuS, clientCpuS} for the measured part as JSON, the
// server's CPU read from /proc/<pid>/stat. Usage:
//   bun load.ts <port> <server pid> <create|list> <in flight> <warm-up seconds> <seconds> [no-tokens]
import { createClient, generateCallerKeys, parseSigningKey } from "@trellis/service-kit";
import { cpuSeconds } from "../../proc.ts";
import { notesLikeDefinition, type Payload, sizes } from "./notes-like-definition.ts";

const [port, serverPid, payload, inFlight, warmupS, runS, tokens] = process.argv.slice(2);
const method = payload as Payload;
const callerKey = parseSigningKey(generateCallerKeys("bench").signingKey);
const kit = createClient(notesLikeDefinition, `127.0.0.1:${port}`, {
  timeoutMs: 2_000,
  ...(tokens === "no-tokens" ? {} : { callerKey }),
});
const request = Buffer.alloc(sizes[method].request, 3);
const USERS = 500;

async function load(seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let calls = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < until) {
      await kit[method](request, { userId: `user-${calls % USERS}` });
      calls += 1;
    }
  };
  await Promise.all(Array.from({ length: Number(inFlight) }, loop));
  return calls;
}

await load(Number(warmupS));
const started = performance.now();
const serverBefore = cpuSeconds(Number(serverPid)) ?? Number.NaN;
const clientBefore = process.cpuUsage();
const calls = await load(Number(runS));
const serverCpuS = (cpuSeconds(Number(serverPid)) ?? Number.NaN) - serverBefore;
const client = process.cpuUsage(clientBefore);
const clientCpuS = (client.user + client.system) / 1e6;
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ calls, seconds, serverCpuS, clientCpuS }));
process.exit(0);
