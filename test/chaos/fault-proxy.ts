import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";

// A TCP proxy on loopback that a test puts between two processes and breaks on demand. Written
// here rather than taken from a library: toxiproxy's clients need its server binary, and the
// npm TCP proxies forward only (see README.md).

/** What the proxy does to the bytes of every connection, old and new. */
export type FaultMode =
  /** Forwards both ways at once. */
  | { kind: "pass" }
  /** Forwards both ways, each chunk `ms` later than it came (order kept). */
  | { kind: "latency"; ms: number }
  /**
   * Reads and drops everything, answers nothing: a peer gone without a FIN or RST. A connection
   * that lived through a blackhole stays dead after `heal()` (its bytes are lost), until its
   * client closes it; new connections after `heal()` pass.
   */
  | { kind: "blackhole" }
  /** Resets (RST) every open connection now, and every new one as soon as it is accepted. */
  | { kind: "reset" };

export interface FaultProxy {
  /** `127.0.0.1:<port>`: give this to the client instead of the upstream's address. */
  readonly address: string;
  set(mode: FaultMode): void;
  /** Back to pass-through for connections made from now on. */
  heal(): void;
  /** Client connections accepted and not yet closed (their upstream sockets go with them). */
  openConnections(): number;
  /** Every socket the proxy holds open, client and upstream sides. */
  openSockets(): number;
  /** Client connections accepted since start. */
  accepted(): number;
  /** Stops listening and destroys every socket. */
  close(): Promise<void>;
}

/** One client connection and its upstream: `dead` once a blackhole has eaten its bytes. */
interface Link {
  client: Socket;
  upstream: Socket | null;
  dead: boolean;
  /** When the last delayed chunk each way is due, so that a later one never overtakes it. */
  due: { up: number; down: number };
}

/**
 * Listens on a free loopback port and forwards to `upstream` (`host:port`), or to what the
 * function answers when a connection comes (an upstream whose port is chosen later).
 */
export async function startFaultProxy(upstream: string | (() => string)): Promise<FaultProxy> {
  const state: ProxyState = {
    upstream: typeof upstream === "string" ? () => upstream : upstream,
    links: new Set<Link>(),
    mode: { kind: "pass" },
    accepted: 0,
  };
  const server: Server = createServer((client) => accept(state, client));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const { links } = state;

  return {
    address: `127.0.0.1:${port}`,
    set(next) {
      state.mode = next;
      for (const link of links) {
        if (next.kind === "reset") {
          resetLink(link);
        } else if (next.kind === "blackhole") {
          link.dead = true;
        }
      }
    },
    heal() {
      state.mode = { kind: "pass" };
    },
    openConnections: () => links.size,
    openSockets: () =>
      [...links].reduce((n, link) => n + alive(link.client) + alive(link.upstream), 0),
    accepted: () => state.accepted,
    async close() {
      for (const link of links) {
        link.client.destroy();
        link.upstream?.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface ProxyState {
  upstream: () => string;
  links: Set<Link>;
  mode: FaultMode;
  accepted: number;
}

/** A new client connection, treated as the mode of the moment says. */
function accept(state: ProxyState, client: Socket): void {
  state.accepted += 1;
  const link: Link = { client, upstream: null, dead: false, due: { up: 0, down: 0 } };
  state.links.add(link);
  client.on("close", () => {
    state.links.delete(link);
    link.upstream?.destroy();
  });
  client.on("error", () => {});
  if (state.mode.kind === "reset") {
    client.resetAndDestroy();
    return;
  }
  if (state.mode.kind === "blackhole") {
    link.dead = true;
    client.on("data", () => {});
    return;
  }
  open(link, state.upstream(), () => state.mode);
}

/** Connects the link's upstream and pipes both ways through the mode of the moment. */
function open(link: Link, address: string, mode: () => FaultMode): void {
  const [host = "", port = ""] = splitAddress(address);
  const upstream = connect(Number(port), host);
  link.upstream = upstream;
  upstream.on("error", () => {});
  // An upstream that goes away resets its client, as a router would: never a half-open link.
  upstream.on("close", () => {
    if (!link.client.destroyed) {
      link.client.resetAndDestroy();
    }
  });
  link.client.on("data", (chunk: Buffer) => forward(link, "up", chunk, mode()));
  upstream.on("data", (chunk: Buffer) => forward(link, "down", chunk, mode()));
}

function forward(link: Link, way: "up" | "down", chunk: Buffer, mode: FaultMode): void {
  if (link.dead) {
    return;
  }
  const to = way === "up" ? link.upstream : link.client;
  if (mode.kind !== "latency") {
    to?.write(chunk);
    return;
  }
  const due = Math.max(Date.now() + mode.ms, link.due[way]);
  link.due[way] = due;
  setTimeout(() => {
    if (!link.dead && to !== null && !to.destroyed) {
      to.write(chunk);
    }
  }, due - Date.now());
}

function resetLink(link: Link): void {
  link.dead = true;
  link.client.resetAndDestroy();
  link.upstream?.resetAndDestroy();
}

function alive(socket: Socket | null): number {
  return socket !== null && !socket.destroyed ? 1 : 0;
}

function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf(":");
  return [address.slice(0, at), address.slice(at + 1)];
}
