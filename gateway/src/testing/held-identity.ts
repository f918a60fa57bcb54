import { IdentityServiceService } from "@trellis/contracts/identity/v1";
import {
  bindService,
  internal,
  publicKeyOf,
  silentLogger,
  startGrpcServer,
} from "@trellis/service-kit";
import { createClients, IDENTITY_SERVICE, type IdentityClient } from "../clients.ts";
import type { GatewayConfig } from "../config.ts";
import { callGate } from "./call-gate.ts";
import { fakeIdentity } from "./fake-clients.ts";

type Config = Pick<GatewayConfig, "grpcTimeoutMs" | "callerKey" | "grpcClient">;

/**
 * A slow identity over real gRPC, in-process: the kit's server on 127.0.0.1 with fakeIdentity's
 * answers, each call held until `release()`; the gateway's own client (createClients) calls it.
 */
export async function heldIdentity(config: Config) {
  const inner = fakeIdentity();
  const gate = callGate();
  const host = await serveIdentity(inner, gate.hold, config);
  const clients = createClients({ ...config, identityAddress: `127.0.0.1:${host.port}` });
  return {
    identity: clients.identity satisfies IdentityClient,
    /** The RPCs identity answered, by name, in order. */
    asked: () => inner.calls.map((call) => call.method),
    calls: gate.calls,
    reached: gate.reached,
    release: gate.release,
    async stop() {
      gate.release();
      clients.close();
      await host.shutdown();
    },
  };
}

type Hold = ReturnType<typeof callGate>["hold"];

/** The kit's gRPC server with identity's RPCs answered by `inner` through `hold`. */
async function serveIdentity(
  inner: ReturnType<typeof fakeIdentity>,
  hold: Hold,
  config: Config,
): Promise<Awaited<ReturnType<typeof startGrpcServer>>> {
  const implementation = bindService(
    IdentityServiceService,
    {
      completeOAuthLogin: internal(hold(inner.completeOAuthLogin)),
      validateSession: internal(hold(inner.validateSession)),
      validateSessions: internal(hold(inner.validateSessions)),
      deleteSession: internal(hold(inner.deleteSession)),
      deleteUserSessions: internal(hold(inner.deleteUserSessions)),
      getUser: hold(async () => {
        throw new Error("the gateway does not call GetUser");
      }),
    },
    { log: silentLogger(), callerKeys: [publicKeyOf(config.callerKey)] },
  );
  const host = await startGrpcServer({
    services: [{ name: IDENTITY_SERVICE, definition: IdentityServiceService, implementation }],
    host: "127.0.0.1",
    port: 0,
    log: silentLogger(),
    shutdownDelayMs: 0,
    shutdownGraceMs: 1_000,
  });
  host.markServing();
  return host;
}
