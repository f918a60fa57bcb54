import { isMap, isScalar, isSeq, type YAMLMap } from "yaml";
import { isGateway, isInfrastructure, serviceOfEnvName } from "./names.ts";
import { mapAt, parseYaml } from "./yaml-doc.ts";

/** What one gateway block of a Compose file lists of the repository's services. */
export interface GatewayListing {
  /** Its Compose service: `gateway`, or `gateway-a`, `gateway-b` in deploy/. */
  name: string;
  /** Its REST_SERVICES entries, `<proto service>=<host>:<port>`. */
  restServices: string[];
  /** The services it waits for (depends_on), infrastructure left out. */
  dependsOn: string[];
  /** Every `<host>:<port>` its settings name (IDENTITY_ADDRESS, REST_SERVICES). */
  addresses: string[];
}

/** What a Compose file lists of the repository's services. */
export interface ComposeListing {
  /** Its services that are not infrastructure (gateways, backup, Jaeger, the collector, Postgres, Traefik). */
  services: string[];
  /** Each gateway block, in file order: every one must list the same. */
  gateways: GatewayListing[];
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
  const names = keysOf(services);
  return {
    services: names.filter((name) => !isInfrastructure(name)),
    gateways: names.filter(isGateway).map((name) => gatewayListing(name, services.get(name))),
    databases: [
      ...databasesCreated(doc.getIn(["configs", "databases", "content"])),
      ...dbPasswords(services),
    ],
  };
}

/** One gateway block: its REST_SERVICES, depends_on and the addresses its settings name. */
function gatewayListing(name: string, block: unknown): GatewayListing {
  const env = isMap(block) ? (block.get("environment") as YAMLMap | undefined) : undefined;
  const rest = env?.get("REST_SERVICES");
  const restServices = typeof rest === "string" ? rest.split(",").map((e) => e.trim()) : [];
  const values = (env?.items ?? []).map((item) =>
    isScalar(item.value) ? String(item.value.value) : "",
  );
  const addresses = values
    .flatMap((value) => value.split(","))
    .map((value) => value.trim().split("=").at(-1) ?? "")
    .filter((value) => ADDRESS.test(value));
  const dependsOn = isMap(block) ? keysOf(block.get("depends_on")) : [];
  return {
    name,
    restServices: restServices.filter((entry) => entry !== ""),
    dependsOn: dependsOn.filter((n) => !isInfrastructure(n)),
    addresses,
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
