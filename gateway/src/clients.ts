import type { Meter } from "@opentelemetry/api";
import { IdentityServiceService } from "@trellis/contracts/identity/v1";
import { createClient, type PromiseClient } from "@trellis/service-kit";
import type { GatewayConfig } from "./config.ts";
import { callWithin, type InFlightLimit } from "./http/in-flight-limit.ts";

/** Identity's full name: its bound (UPSTREAM_MAX_IN_FLIGHT) and shed log lines go by it. */
export const IDENTITY_SERVICE = "trellis.identity.v1.IdentityService";

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

/**
 * `identity` with every call made in a slot of `limit`: past it a call is refused at once with
 * serviceBusy (503 + Retry-After) instead of piling up behind a slow identity, as the REST
 * routes' calls are. Session checks, sign-ins and sign-outs thus share one bound.
 */
export function boundedIdentity(identity: IdentityClient, limit: InFlightLimit): IdentityClient {
  return {
    completeOAuthLogin: (request, settings) =>
      callWithin(limit, () => identity.completeOAuthLogin(request, settings)),
    validateSession: (request, settings) =>
      callWithin(limit, () => identity.validateSession(request, settings)),
    validateSessions: (request, settings) =>
      callWithin(limit, () => identity.validateSessions(request, settings)),
    deleteSession: (request, settings) =>
      callWithin(limit, () => identity.deleteSession(request, settings)),
    deleteUserSessions: (request, settings) =>
      callWithin(limit, () => identity.deleteUserSessions(request, settings)),
  };
}
