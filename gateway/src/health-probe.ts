import {
  type ClientImplementation,
  createClient,
  type HealthStatus,
  healthDefinition,
} from "@trellis/service-kit";
import type { HealthProbe } from "./readiness.ts";

const checkOnly = { check: healthDefinition.check };

/** What the probe needs of a client: grpc.health.v1 Check. */
export interface HealthClient {
  check(request: { service: string }): Promise<{ status: HealthStatus }>;
  close(): void;
}

/**
 * A grpc.health.v1 probe of the services at `addresses`, over one client (one HTTP/2 connection)
 * per service made here, once. The kit's `checkHealth` opens a connection per call: fine for a
 * one-off check at start-up, not for /readyz, which anyone may call.
 * Health checks carry no caller identity; services answer them anonymously.
 */
export function createHealthProbe(
  addresses: readonly string[],
  options: {
    timeoutMs: number;
    /** The gateway's GRPC_CLIENT, so /readyz sees the services as its calls do. */
    implementation?: ClientImplementation;
    connect?: (address: string) => HealthClient;
  },
): HealthProbe & { close(): void } {
  const connect =
    options.connect ??
    ((address: string) =>
      createClient(checkOnly, address, {
        timeoutMs: options.timeoutMs,
        implementation: options.implementation,
      }));
  const clients = new Map(addresses.map((address) => [address, connect(address)]));
  const probe = async (address: string): Promise<HealthStatus> => {
    const client = clients.get(address);
    if (client === undefined) {
      throw new Error(`no health client for ${address}`);
    }
    return (await client.check({ service: "" })).status;
  };
  return Object.assign(probe, {
    close(): void {
      for (const client of clients.values()) {
        client.close();
      }
    },
  });
}
