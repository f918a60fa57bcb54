import type { Meter } from "@opentelemetry/api";
import { IdentityServiceService } from "@trellis/contracts/identity/v1";
import { createClient, type PromiseClient } from "@trellis/service-kit";
import type { GatewayConfig } from "./config.ts";

/** What the gateway asks of identity; routes depend on this slice, so tests pass fakes. */
export type IdentityClient = Pick<
  PromiseClient<typeof IdentityServiceService>,
  | "completeOAuthLogin"
  | "validateSession"
  | "validateSessions"
  | "deleteSession"
  | "deleteUserSessions"
>;

/**
 * The typed clients the gateway's own routes use: identity's alone. Every other service (notes
 * too) is one of REST_SERVICES, reached through its raw client (rest/raw-clients.ts), from its
 * google.api.http rules.
 */
export interface Clients {
  identity: IdentityClient;
}

/** gRPC clients for the gateway's own routes; each call carries a deadline and the signed caller. */
export function createClients(
  config: Pick<GatewayConfig, "grpcTimeoutMs" | "callerKey" | "grpcClient" | "identityAddress">,
  meter: Meter | null = null,
): Clients & { close(): void } {
  const options = {
    timeoutMs: config.grpcTimeoutMs,
    callerKey: config.callerKey,
    implementation: config.grpcClient,
    meter,
  };
  const identity = createClient(IdentityServiceService, config.identityAddress, options);
  return {
    identity,
    close() {
      identity.close();
    },
  };
}
