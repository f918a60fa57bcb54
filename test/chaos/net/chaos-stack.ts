import { createBrowser } from "../../system/support/browser.ts";
import { type Stack, startStack } from "../../system/support/stack.ts";
import { type FaultProxy, startFaultProxy } from "../fault-proxy.ts";

// The real stack (gateway, identity, notes as processes on loopback, the local Postgres) with
// the fault proxy between the gateway and notes, and one signed-in user to send requests as.

export interface ChaosStackOptions {
  /** The compiled binaries (`bun run chaos`), or `bun src/main.ts` (the CI tests: no build). */
  from: "binaries" | "source";
  /** Added to the gateway's environment (GRPC_TIMEOUT_MS, UPSTREAM_MAX_IN_FLIGHT). */
  gatewayEnv?: Record<string, string>;
}

export interface ChaosStack {
  stack: Stack;
  proxy: FaultProxy;
  /** GET /api/notes as the signed-in user: a read that reaches notes and its database. */
  listNotes(signal?: AbortSignal): Promise<Response>;
  /** Stops the processes and the proxy. */
  stop(): Promise<void>;
}

export async function startChaosStack(options: ChaosStackOptions): Promise<ChaosStack> {
  // The proxy starts first, forwarding nowhere: startStack names notes' port, then the proxy
  // learns it before the gateway's first connection.
  let upstream = "";
  const proxy = await startFaultProxy(() => upstream);
  let stack: Stack;
  try {
    stack = await startStack({
      from: options.from,
      // The per-session limit's highest: one user's load here is far past what a person sends,
      // and a 429 would hide what the fault does.
      gatewayEnv: {
        LOG_LEVEL: "info",
        API_RATE_LIMIT_PER_MINUTE: "1000000",
        ...options.gatewayEnv,
      },
      notesVia: (notesAddress) => {
        upstream = notesAddress;
        return proxy.address;
      },
    });
  } catch (error) {
    await proxy.close();
    throw error;
  }
  const browser = createBrowser(stack.gatewayUrl);
  const token = await browser.signIn("google", { id: `chaos-${crypto.randomUUID()}` });
  const url = `${stack.gatewayUrl}/api/notes?page_size=5`;
  const headers = { cookie: `session=${token}` };
  return {
    stack,
    proxy,
    listNotes: (signal) => fetch(url, { headers, signal }),
    async stop() {
      await stack.stop();
      await proxy.close();
    },
  };
}
