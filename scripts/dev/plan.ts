import type { ServiceEntry } from "../services/discover.ts";

/**
 * The environment variable that points a service at a database of the developer's choosing:
 * `NOTES_DATABASE_URL`, `SHOPPING_LIST_DATABASE_URL` (a dash cannot be in a shell variable).
 */
export function databaseUrlVariable(name: string): string {
  return `${name.toUpperCase().replaceAll("-", "_")}_DATABASE_URL`;
}

/**
 * Where the gateway finds the services, from what they declare: identity's address (its own
 * routes call it) and every declared REST service at its service's port, notes like any other.
 */
export function gatewayServiceEnv(services: readonly ServiceEntry[]): Record<string, string> {
  const identity = services.find((service) => service.name === "identity");
  if (identity === undefined) {
    const found = services.map((service) => service.name).join(", ") || "none";
    throw new Error(`the gateway needs the service named identity; found: ${found}`);
  }
  const rest = services.flatMap((service) =>
    service.rest.map((proto) => `${proto}=${local(service.port)}`),
  );
  return { IDENTITY_ADDRESS: local(identity.port), REST_SERVICES: rest.join(",") };
}

/** What a service process gets besides the inherited environment. */
export function serviceProcessEnv(
  service: ServiceEntry,
  database: { url: string; embedded: boolean },
  callerPublicKey: string,
): Record<string, string> {
  return {
    PORT: String(service.port),
    DATABASE_URL: database.url,
    MODE: "development",
    CALLER_PUBLIC_KEYS: callerPublicKey,
    // The embedded Postgres serves one connection at a time, from the dev runner's one thread
    // that every embedded database shares: a first connection can wait behind another's start.
    ...(database.embedded ? { DATABASE_POOL_MAX: "1", DATABASE_CONNECT_TIMEOUT_S: "30" } : {}),
  };
}

/** The banner's line for a service: where it listens and on which database. */
export function bannerLine(service: ServiceEntry, database: string): string {
  return `    ${service.name.padEnd(10)} gRPC ${local(service.port)} on ${database}`;
}

const local = (port: number): string => `127.0.0.1:${port}`;

/** The ports the dev runner listens on: the gateway's, the fake provider's and Vite's. */
export interface DevPorts {
  gateway: number;
  fakeOAuth: number;
  web: number;
}

/**
 * The fixed ports of `bun run dev`, each replaceable through the environment (DEV_GATEWAY_PORT,
 * DEV_OAUTH_PORT, DEV_WEB_PORT, and DEV_<SERVICE>_PORT for a service's declared port), so a test
 * can run a second stack beside a developer's. Throws naming a variable that is not a port.
 */
export function devPorts(
  env: Record<string, string | undefined>,
  services: readonly ServiceEntry[],
): { ports: DevPorts; services: ServiceEntry[] } {
  const port = (name: string, fallback: number): number => {
    const value = env[name];
    if (value === undefined || value === "") {
      return fallback;
    }
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65_535) {
      throw new Error(`${name}: expected a port from 1 to 65535, got ${value}`);
    }
    return parsed;
  };
  return {
    ports: {
      gateway: port("DEV_GATEWAY_PORT", 3000),
      fakeOAuth: port("DEV_OAUTH_PORT", 4010),
      web: port("DEV_WEB_PORT", 5173),
    },
    services: services.map((service) => ({
      ...service,
      port: port(`DEV_${service.name.toUpperCase().replaceAll("-", "_")}_PORT`, service.port),
    })),
  };
}
