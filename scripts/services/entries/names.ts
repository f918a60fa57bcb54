import type { ServiceEntry } from "../discover.ts";

/** What the entry functions need of a service: its discovery entry (scripts/services/discover.ts). */
export type EntryService = Pick<ServiceEntry, "name" | "dir" | "port" | "rest">;

/**
 * The service every new entry is copied from: notes, the template a new service is made from, so
 * its blocks are the ones a new service's should look like.
 */
export const MODEL = "notes";

/** Compose services that are infrastructure, not services of this repository. */
export const INFRASTRUCTURE = new Set([
  "backup",
  "gateway",
  "jaeger",
  "otel-collector",
  "postgres",
  "redis",
  "traefik",
]);

/**
 * A gateway's Compose service: `gateway` (compose.yaml), or one of the replicas deploy/ runs
 * behind Traefik, `gateway-a` and `gateway-b`.
 */
export const isGateway = (name: string): boolean => /^gateway(-[a-z])?$/.test(name);

/** Not a service of this repository: a gateway, or other infrastructure. */
export const isInfrastructure = (name: string): boolean =>
  INFRASTRUCTURE.has(name) || isGateway(name);

/** `things` -> `THINGS`, `audit-log` -> `AUDIT_LOG`: the prefix of its settings. */
export function envName(name: string): string {
  return name.toUpperCase().replaceAll("-", "_");
}

/** `AUDIT_LOG` -> `audit-log`: the service a setting's prefix names. */
export function serviceOfEnvName(prefix: string): string {
  return prefix.toLowerCase().replaceAll("_", "-");
}

/**
 * The model's name in `text` replaced by the service's: `notes` as a word (`/app/notes`,
 * `trellis-notes`), `NOTES` as a settings prefix (`NOTES_DATABASE_URL`).
 */
export function renamed(text: string, name: string): string {
  return text
    .replace(new RegExp(`\\b${MODEL}\\b`, "g"), name)
    .replace(new RegExp(`(?<![A-Z0-9_])${envName(MODEL)}(?![A-Z0-9])`, "g"), envName(name));
}

/** The REST_SERVICES entries that serve `service`: `<proto service>=<name>:<port>`. */
export function restEntries(service: Pick<ServiceEntry, "name" | "port" | "rest">): string[] {
  return service.rest.map((proto) => `${proto}=${service.name}:${service.port}`);
}

/** Thrown when a file already lists the service: the scaffolder refuses to merge entries. */
export function alreadyListed(file: string, name: string): Error {
  return new Error(`${file} already lists the service ${name}; it is not added twice`);
}
