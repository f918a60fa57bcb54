import {
  composeListing,
  deploySecretsListing,
  envExampleListing,
  initScriptListing,
} from "./listed.ts";
import { type EntryService, restEntries } from "./names.ts";

/** The texts of the files that list services, by their path under the root (write.ts's). */
export type EntryTexts = Record<
  | "compose.yaml"
  | "deploy/compose.yaml"
  | "deploy/postgres/init-databases.sh"
  | ".env.example"
  | "deploy/.env.example",
  string
>;

/** What `file` lists as `what` against what it should: missing and stale entries, by name. */
function compared(where: string, listed: string[], wanted: string[]): string[] {
  const missing = wanted.filter((name) => !listed.includes(name));
  const stale = listed.filter((name) => !wanted.includes(name));
  return [
    ...missing.map((name) => `${where} misses ${name}`),
    ...stale.map((name) => `${where} names ${name}, which is no discovered service`),
  ];
}

/**
 * A Compose file: every service a block and a database; each gateway block (deploy/ has two) the
 * REST entries and the depends_on, so the replicas never differ.
 */
function composeProblems(file: string, text: string, services: EntryService[]): string[] {
  const listing = composeListing(text);
  const names = services.map((service) => service.name);
  const gateways = listing.gateways.flatMap((gateway) => {
    const label = gateway.name === "gateway" ? "the gateway's" : `${gateway.name}'s`;
    // A gateway waits for each service it has an address of: IDENTITY_ADDRESS, REST_SERVICES.
    const addressed = services
      .filter((s) => gateway.addresses.includes(`${s.name}:${s.port}`))
      .map((s) => s.name);
    return [
      ...compared(
        `${file}: ${label} REST_SERVICES`,
        gateway.restServices,
        services.flatMap(restEntries),
      ),
      ...compared(`${file}: ${label} depends_on`, gateway.dependsOn, addressed),
    ];
  });
  return [
    ...(listing.gateways.length === 0 ? [`${file}: no gateway service`] : []),
    ...compared(`${file}: services`, listing.services, names),
    ...compared(`${file}: the databases`, listing.databases, names),
    ...gateways,
  ];
}

/**
 * Every way the files fail to list exactly the discovered `services`: a service missing from a
 * file (added without its entries) or a file naming one that is not there (a stale entry).
 */
export function serviceEntryProblems(texts: EntryTexts, services: EntryService[]): string[] {
  const names = services.map((service) => service.name);
  return [
    ...composeProblems("compose.yaml", texts["compose.yaml"], services),
    ...composeProblems("deploy/compose.yaml", texts["deploy/compose.yaml"], services),
    ...compared(
      "deploy/postgres/init-databases.sh",
      initScriptListing(texts["deploy/postgres/init-databases.sh"]),
      names,
    ),
    ...compared(".env.example", envExampleListing(texts[".env.example"]), names),
    ...compared("deploy/.env.example", deploySecretsListing(texts["deploy/.env.example"]), names),
  ];
}
