import { isMap, isScalar, isSeq, type YAMLMap } from "yaml";
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
  /** The databases its Postgres creates (compose.yaml) or has a password file for (deploy/). */
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

const DB_PASSWORD = /^([a-z][a-z0-9-]*)-db-password$/;

/** deploy/: Postgres is given each service role's password as a secret, `<name>-db-password`. */
function dbPasswords(services: YAMLMap): string[] {
  const postgres = services.get("postgres");
  const secrets = isMap(postgres) ? postgres.get("secrets") : undefined;
  const names = isSeq(secrets) ? secrets.items.map(String) : [];
  return names.flatMap((name) => DB_PASSWORD.exec(name)?.[1] ?? []);
}

const CREATE_CALL = /^create_database ([a-z][a-z0-9-]*) \/run\/secrets\/\1-db-password$/;

/** deploy/postgres/init-databases.sh: the services it makes a role and a database for. */
export function initScriptListing(text: string): string[] {
  return text.split("\n").flatMap((line) => CREATE_CALL.exec(line)?.[1] ?? []);
}

/**
 * The services .env.example has a per-service setting for: `# <NAME>_DATABASE_URL=`. Those are
 * left empty, which tells them from the test harness's `# TEST_DATABASE_URL=postgres://…`.
 */
export function envExampleListing(text: string): string[] {
  const setting = /^#? ?([A-Z][A-Z0-9_]*)_DATABASE_URL=$/;
  return text.split("\n").flatMap((line) => {
    const prefix = setting.exec(line)?.[1];
    return prefix === undefined ? [] : [serviceOfEnvName(prefix)];
  });
}

const SECRET_FILES = /^# secrets\/([a-z][a-z0-9-]*)-db-password secrets\/\1-database-url$/;

/** deploy/.env.example: the services it names secret files for, one line each. */
export function deploySecretsListing(text: string): string[] {
  return text.split("\n").flatMap((line) => SECRET_FILES.exec(line)?.[1] ?? []);
}
