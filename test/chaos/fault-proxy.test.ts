import { afterEach, beforeEach, expect, test } from "bun:test";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { type FaultProxy, startFaultProxy } from "./fault-proxy.ts";
import { waitFor } from "./net/wait.ts";

// The proxy against an echo server on loopback: what each mode does to a connection opened
// before it and one opened during it, and that nothing stays open afterwards.

let echo: Server;
let proxy: FaultProxy;
const clients: Socket[] = [];

beforeEach(async () => {
  echo = createServer((socket) => {
    socket.on("error", () => {});
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  proxy = await startFaultProxy(`127.0.0.1:${(echo.address() as AddressInfo).port}`);
});

afterEach(async () => {
  for (const client of clients.splice(0)) {
    client.destroy();
  }
  await proxy.close();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

/** A client connection through the proxy, recording what it receives and how it ended. */
interface Client {
  socket: Socket;
  received(): string;
  /** The error code it ended with ("ECONNRESET"), "closed" without one, or null while open. */
  ended(): string | null;
}

async function dial(): Promise<Client> {
  const [host, port] = proxy.address.split(":");
  const socket = connect(Number(port), host);
  clients.push(socket);
  let text = "";
  let end: string | null = null;
  socket.on("data", (chunk) => {
    text += chunk.toString();
  });
  socket.on("error", (error: NodeJS.ErrnoException) => {
    end = error.code ?? "error";
  });
  socket.on("close", () => {
    end ??= "closed";
  });
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  return { socket, received: () => text, ended: () => end };
}

async function roundTrip(client: Client, text: string): Promise<void> {
  const before = client.received().length;
  client.socket.write(text);
  await waitFor(() => client.received().length >= before + text.length, "the echo");
}

function upstreamConnections(): Promise<number> {
  return new Promise((resolve, reject) =>
    echo.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

test("passes bytes both ways, and closes the upstream when the client closes", async () => {
  const client = await dial();
  await roundTrip(client, "hello");
  expect(client.received()).toBe("hello");
  expect(proxy.openSockets()).toBe(2);

  client.socket.end();
  await waitFor(() => proxy.openSockets() === 0, "the proxy's sockets to close");
  await waitFor(async () => (await upstreamConnections()) === 0, "the upstream to close");
  expect(proxy.openConnections()).toBe(0);
});

test("latency delays every chunk by at least the added time, in order", async () => {
  const client = await dial();
  proxy.set({ kind: "latency", ms: 150 });
  const started = performance.now();
  client.socket.write("a");
  client.socket.write("b");
  await waitFor(() => client.received() === "ab", "the delayed echo");
  // Twice the latency: once on the way up, once down. A lower bound holds on a slow machine.
  expect(performance.now() - started).toBeGreaterThanOrEqual(290);

  proxy.heal();
  await roundTrip(client, "c");
  expect(client.received()).toBe("abc");
});

test("reset ends open connections and every new one with ECONNRESET, until healed", async () => {
  const before = await dial();
  await roundTrip(before, "x");

  proxy.set({ kind: "reset" });
  await waitFor(() => before.ended() !== null, "the open connection to end");
  const during = await dial().catch(() => null);
  if (during !== null) {
    await waitFor(() => during.ended() !== null, "the new connection to end");
    expect(during.ended()).toBe("ECONNRESET");
  }
  expect(before.ended()).toBe("ECONNRESET");

  proxy.heal();
  const after = await dial();
  await roundTrip(after, "back");
  expect(after.received()).toBe("back");
  await waitFor(() => proxy.openConnections() === 1, "only the healed connection open");
});

test("blackhole reads and answers nothing; healed, new connections pass, dead ones stay dead", async () => {
  const before = await dial();
  await roundTrip(before, "1");

  proxy.set({ kind: "blackhole" });
  const during = await dial();
  before.socket.write("2");
  during.socket.write("3");
  // Nothing may come back: wait past what an echo takes on loopback, then look.
  await Bun.sleep(200);
  expect([before.received(), during.received()]).toEqual(["1", ""]);
  expect([before.ended(), during.ended()]).toEqual([null, null]);

  proxy.heal();
  const after = await dial();
  await roundTrip(after, "4");
  before.socket.write("5");
  await Bun.sleep(200);
  expect([before.received(), after.received()]).toEqual(["1", "4"]);

  before.socket.destroy();
  during.socket.destroy();
  await waitFor(() => proxy.openConnections() === 1, "the dead connections to close");
});

test("close destroys every socket it holds", async () => {
  await roundTrip(await dial(), "a");
  proxy.set({ kind: "blackhole" });
  await dial();

  await proxy.close();
  proxy = await startFaultProxy("127.0.0.1:1"); // afterEach closes this one instead
  await waitFor(async () => (await upstreamConnections()) === 0, "the upstream to close");
});
