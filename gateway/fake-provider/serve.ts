import { createFakeProvider, type FakeProviderOptions } from "./provider.ts";

export type ServeFakeProviderOptions = Omit<FakeProviderOptions, "issuerBase"> & {
  /** 0 picks a free port. */
  port: number;
  /** The origin clients use when it is not the listening address (a proxy, a container). */
  publicUrl?: string;
};

export type RunningFakeProvider = {
  /** The `issuerBase`: `<issuerBase>/google` is Google's issuer, `<issuerBase>/github/...`. */
  issuerBase: string;
  port: number;
  stop(): Promise<void>;
};

/** Listens on 127.0.0.1 only: the fake signs anyone in and must never face a network. */
export function serveFakeProvider(options: ServeFakeProviderOptions): RunningFakeProvider {
  // The issuer holds the port, which is known only once listening: start, then swap in.
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: options.port,
    fetch: () => new Response("starting", { status: 503 }),
  });
  const port = server.port ?? options.port;
  const issuerBase = (options.publicUrl ?? `http://127.0.0.1:${port}`).replace(/\/+$/, "");
  const provider = createFakeProvider({ ...options, issuerBase });
  server.reload({ fetch: (request) => provider.fetch(request) });
  return { issuerBase, port, stop: () => server.stop(true) };
}
