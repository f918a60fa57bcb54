import { afterEach, expect, test } from "bun:test";
import { createServer, type Http2Server } from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import { freePort, testCallerKeys } from "@trellis/testing";
import { parseSigningKey } from "../src/caller/caller-keys.ts";
import { CallError } from "../src/client/call-error.ts";
import { createClient } from "../src/client/client.ts";
import { targetOf } from "../src/client/targets.ts";
import { echoService } from "./support/echo-service.ts";

// Connections that die without a goodbye: a server whose process froze (a blackholed route looks
// the same: no FIN, no RST, nothing answered) and a server whose socket just closes (a crash, a
// reset). Outcomes are counts of calls and their codes, never times.

const callerKey = parseSigningKey(testCallerKeys.signingKey);
const USER_ID = "0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69";
const ADDRESSES = ["127.0.0.2", "127.0.0.3"];

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

/** An echo replica in a process of its own (test/fixtures/echo-replica.ts), to freeze or kill. */
async function replicaProcess(host: string, port: number) {
  const child = Bun.spawn(["bun", `${import.meta.dir}/fixtures/echo-replica.ts`], {
    env: { ...process.env, HOST: host, PORT: String(port) },
    stdout: "pipe",
    stderr: "inherit",
  });
  cleanups.push(() => child.kill("SIGKILL"));
  const reader = child.stdout.getReader();
  let said = "";
  while (!said.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error(`replica on ${host} exited before serving`);
    }
    said += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return child;
}

async function failuresOf(calls: number, call: () => Promise<unknown>): Promise<number> {
  let failed = 0;
  for (let index = 0; index < calls; index++) {
    await call().catch(() => {
      failed++;
    });
  }
  return failed;
}

test("a replica that freezes: its silent connection is dropped after an unanswered health check and ping, and calls go to the other", async () => {
  const port = freePort();
  const children = await Promise.all(ADDRESSES.map((host) => replicaProcess(host, port)));
  const client = createClient(echoService, `echo.internal:${port}`, {
    timeoutMs: 300,
    callerKey,
    healthPollMs: 100,
    resolveTargets: async () => ADDRESSES.map((host) => targetOf(host, port)),
  });
  cleanups.push(() => client.close());
  const echo = () => client.echo({ text: "hi" }, { userId: USER_ID });
  expect(await failuresOf(20, echo)).toBe(0);

  children[0]?.kill("SIGSTOP"); // the kernel still holds the connection open; nothing answers
  cleanups.push(() => children[0]?.kill("SIGCONT"));
  // Round robin sends every other call to the frozen replica until its connection is known dead.
  // Keepalive alone (a ping every 30 s) would fail about half of these 40 calls.
  const failed = await failuresOf(40, echo);
  expect(failed).toBeLessThanOrEqual(4);
}, 30_000);

/** A server that accepts each stream and then closes its socket without a word. */
async function droppingServer(): Promise<Http2Server> {
  const server = createServer();
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => sockets.add(socket));
  server.on("stream", () => {
    setTimeout(() => {
      for (const socket of sockets) {
        socket.destroy();
      }
    }, 20);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return server;
}

test("a call whose connection drops fails UNAVAILABLE (the caller answers 503), not CANCELLED", async () => {
  const server = await droppingServer();
  const { port } = server.address() as AddressInfo;
  const client = createClient(echoService, `127.0.0.1:${port}`, {
    timeoutMs: 2_000,
    callerKey,
    healthPollMs: 0,
  });
  cleanups.push(() => client.close());
  const codes = await Promise.all(
    [1, 2, 3].map(() =>
      client.echo({ text: "hi" }, { userId: USER_ID }).then(
        () => "answered",
        (error: unknown) => (error instanceof CallError ? error.code : String(error)),
      ),
    ),
  );
  expect(codes).toEqual([14, 14, 14]); // UNAVAILABLE
});
