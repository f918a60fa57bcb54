import { IdentityServiceService } from "@trellis/contracts/identity/v1";
import { NotesServiceService } from "@trellis/contracts/notes/v1";
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

export type NotesClient = Omit<PromiseClient<typeof NotesServiceService>, "close">;

export interface Clients {
  identity: IdentityClient;
  notes: NotesClient;
}

/** gRPC clients for every service; each call carries a deadline and the signed caller. */
export function createClients(config: GatewayConfig): Clients & { close(): void } {
  const options = { timeoutMs: config.grpcTimeoutMs, callerKey: config.callerKey };
  const identity = createClient(IdentityServiceService, config.identityAddress, options);
  const notes = createClient(NotesServiceService, config.notesAddress, options);
  return {
    identity,
    notes,
    close() {
      identity.close();
      notes.close();
    },
  };
}
