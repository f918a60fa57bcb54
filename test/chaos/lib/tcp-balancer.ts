import { connect, createServer, type Socket } from "node:net";
import { freePort } from "@trellis/testing";

// What stands in front of replicas on one host: a TCP balancer, as a Kubernetes Service's
// kube-proxy or a Docker network's round robin is. Each new connection goes to the next backend
// that accepts one; a backend that refuses (stopped, restarting) is skipped. It knows nothing of
// gRPC: a draining replica's GOAWAY and the client's reconnect are what move calls over.

export interface TcpBalancer {
  /** `127.0.0.1:<port>`. */
  address: string;
  /** Connections handed to each backend so far, by backend address. */
  connections(): Record<string, number>;
  stop(): Promise<void>;
}

export async function startTcpBalancer(backends: string[]): Promise<TcpBalancer> {
  const counts: Record<string, number> = Object.fromEntries(backends.map((b) => [b, 0]));
  const open = new Set<Socket>();
  let next = 0;
  const server = createServer((client) => {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.pause();
    const first = next++ % backends.length;
    const order = backends.map((_, i) => backends[(first + i) % backends.length] ?? "");
    pipeToFirstAccepting(client, order, open, counts);
  });
  const port = freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${port}`,
    connections: () => ({ ...counts }),
    async stop() {
      for (const socket of open) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Connects to the first backend of `order` that accepts, then pipes both ways; else closes. */
function pipeToFirstAccepting(
  client: Socket,
  order: string[],
  open: Set<Socket>,
  counts: Record<string, number>,
): void {
  const [backend, ...rest] = order;
  if (backend === undefined) {
    client.destroy();
    return;
  }
  const colon = backend.lastIndexOf(":");
  const upstream = connect(Number(backend.slice(colon + 1)), backend.slice(0, colon));
  let connected = false;
  upstream.on("error", () => {
    if (connected) {
      client.destroy();
    } else {
      pipeToFirstAccepting(client, rest, open, counts);
    }
  });
  upstream.once("connect", () => {
    connected = true;
    counts[backend] = (counts[backend] ?? 0) + 1;
    open.add(upstream);
    upstream.on("close", () => open.delete(upstream));
    client.on("error", () => upstream.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  });
}
