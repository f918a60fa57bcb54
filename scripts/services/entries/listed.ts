import { isMap, isScalar, type YAMLMap } from "yaml";
import { INFRASTRUCTURE, serviceOfEnvName } from "./names.ts";
import { mapAt, parseYaml } from "./yaml-doc.ts";

/** What a Compose file lists of the repository's services. */
export interface ComposeListing {
  /** Its services that are not infrastructure (gateway, Jaeger, Postgres, Traefik). */
  services: string[];
  /** The gateway's REST_SERVICES entries, `<proto service>=<host>:<port>`. */
  restServices: string[];
  /** The services the gateway waits for (depends_on), infrastructure left out. */
  gatewayDependsOn: string[];
  /** Every `<host>:<port>` the gateway's settings name (IDENTITY_ADDRESS, REST_SERVICES). */
  gatewayAddresses: string[];
  /** The databases its Postgres creates (compose.yaml) or is given a password for (deploy/). */
  databases: string[];
}

const keysOf = (map: unknown): string[] =>
  isMap(map) ? map.items.map((item) => String(isScalar(item.key) ? item.key.value : item.key)) : [];

const ADDRESS = /^[a-z][a-z0-9-]*:\d+$/;

/** The services a Compose file (root or deploy/) names, read from its text. */
export function composeListing(text: string): ComposeListing {
  const doc = parseYaml(text);
  const services = mapAt(doc, ["services"]);
  const gateway = services.get("gateway") as YAMLMap;
  const env = gateway.get("environment") as YAMLMap;
  const rest = env.get("REST_SERVICES");
  const restServices = typeof rest === "string" ? rest.split(",").map((e) => e.trim()) : [];
  const values = env.items.map((item) => (isScalar(item.value) ? String(item.value.value) : ""));
  const gatewayAddresses = values
    .flatMap((value) => value.split(","))
    .map((value) => value.trim().split("=").at(-1) ?? "")
    .filter((value) => ADDRESS.test(value));
  return {
    services: keysOf(services).filter((name) => !INFRASTRUCTURE.has(name)),
    restServices: restServices.filter((entry) => entry !== ""),
    gatewayDependsOn: keysOf(gateway.get("depends_on")).filter((n) => !INFRASTRUCTURE.has(n)),
    gatewayAddresses,
    databases: [
      ...databasesCreated(doc.getIn(["configs", "databases", "content"])),
      ...dbPasswords(services),
    ],
  };
}

const CREATE_DATABASE = /^CREATE DATABASE "?([a-z][a-z0-9-]*)"?;$/;

/** compose.yaml's init SQL: one `CREATE DATABASE <name>;` line per service. */
function databasesCreated(content: unknown): string[] {
  if (typeof content !== "string") {
    return [];
  }
  return content.split("\n").flatMap((line) => CREATE_DATABASE.exec(line.trim())?.[1] ?? []);
}

const DB_PASSWORD = /^([A-Z][A-Z0-9_]*)_DB_PASSWORD$/;

/** deploy/: Postgres is given each service role's password, `<NAME>_DB_PASSWORD`. */
function dbPasswords(services: YAMLMap): string[] {
  const postgres = services.get("postgres");
  const env = isMap(postgres) ? postgres.get("environment") : undefined;
  return keysOf(env).flatMap((key) => {
    const prefix = DB_PASSWORD.exec(key)?.[1];
    return prefix === undefined ? [] : [serviceOfEnvName(prefix)];
  });
}

const CREATE_CALL = /^create_database ([a-z][a-z0-9-]*) "\$([A-Z][A-Z0-9_]*)_DB_PASSWORD"$/;

/** deploy/postgres/init-databases.sh: the services it makes a role and a database for. */
export function initScriptListing(text: string): string[] {
  return text.split("\n").flatMap((line) => CREATE_CALL.exec(line)?.[1] ?? []);
}

/**
 * The services an env example has a per-service setting for: `# <NAME>_DATABASE_URL=` (root) or
 * `<NAME>_DB_PASSWORD=` (deploy/). Those are left empty, which tells them from the test harness's
 * `# TEST_DATABASE_URL=postgres://…`.
 */
export function envExampleListing(text: string): string[] {
  const setting = /^#? ?([A-Z][A-Z0-9_]*)_(DATABASE_URL|DB_PASSWORD)=$/;
  return text.split("\n").flatMap((line) => {
    const prefix = setting.exec(line)?.[1];
    return prefix === undefined ? [] : [serviceOfEnvName(prefix)];
  });
}
