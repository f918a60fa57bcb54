import { type Document, isScalar, type YAMLMap } from "yaml";
import { composeListing } from "./listed.ts";
import { alreadyListed, type EntryService, isGateway, MODEL, restEntries } from "./names.ts";
import {
  insertSorted,
  mapAt,
  parseYaml,
  renamedCopy,
  scalarAt,
  stringifyYaml,
} from "./yaml-doc.ts";

/**
 * compose.yaml (the stack built from source) with `service` added: its block, a copy of notes'
 * built from its own folder; the gateway's REST_SERVICES entries for it and a depends_on; its
 * database in Postgres' init SQL. Throws when the file already lists it.
 */
export function addServiceToCompose(text: string, service: EntryService): string {
  refuseListed("compose.yaml", text, service);
  const doc = parseYaml(text);
  const block = addServiceBlock(doc, service);
  block.setIn(["build", "context"], service.dir);
  addToGateway(doc, service);
  const content = doc.getIn(["configs", "databases", "content"], true);
  if (!isScalar(content) || typeof content.value !== "string") {
    throw new Error("compose.yaml: no configs.databases.content to create the database in");
  }
  content.value = withDatabase(content.value, service.name);
  return stringifyYaml(doc);
}

/** Refuses a service the file already names anywhere: as a service, a REST entry, a database. */
export function refuseListed(file: string, text: string, service: EntryService): void {
  const listing = composeListing(text);
  const restNames = listing.gateways.flatMap((g) => g.restServices.map((e) => e.split("=")[0]));
  const named =
    listing.services.includes(service.name) ||
    listing.databases.includes(service.name) ||
    service.rest.some((proto) => restNames.includes(proto));
  if (named) {
    throw alreadyListed(file, service.name);
  }
}

/** The model's block copied under the service's name, in alphabetical order; returns it. */
export function addServiceBlock(doc: Document, service: EntryService): YAMLMap {
  const services = mapAt(doc, ["services"]);
  const block = renamedCopy(mapAt(doc, ["services", MODEL]), service.name);
  insertSorted(doc, services, { key: service.name, value: block, spaced: true });
  return block;
}

/**
 * Every gateway (compose.yaml's one, deploy/'s two replicas) serves the service's REST services
 * (REST_SERVICES) and waits for it to be healthy, as it does for notes. A service with no REST
 * service is not the gateways' business.
 */
export function addToGateway(doc: Document, service: EntryService): void {
  if (service.rest.length === 0) {
    return;
  }
  const gateways = mapAt(doc, ["services"])
    .items.map((item) => String(isScalar(item.key) ? item.key.value : item.key))
    .filter(isGateway);
  if (gateways.length === 0) {
    throw new Error("no gateway service to add the REST entries to");
  }
  for (const gateway of gateways) {
    const env = mapAt(doc, ["services", gateway, "environment"]);
    const rest = scalarAt(env, "REST_SERVICES");
    rest.value = [rest.value, ...restEntries(service)].filter((e) => e !== "").join(",");
    const dependsOn = mapAt(doc, ["services", gateway, "depends_on"]);
    const condition = mapAt(doc, ["services", gateway, "depends_on", MODEL]).clone();
    insertSorted(doc, dependsOn, { key: service.name, value: condition });
  }
}

/** The init SQL with `CREATE DATABASE <name>;` among the others, in alphabetical order. */
function withDatabase(sql: string, name: string): string {
  const statement = /^[a-z0-9]+$/.test(name) ? name : `"${name}"`;
  const lines = sql.split("\n").filter((line) => line !== "");
  const creates = lines.filter((line) => line.startsWith("CREATE DATABASE "));
  const others = lines.filter((line) => !line.startsWith("CREATE DATABASE "));
  const sorted = [...creates, `CREATE DATABASE ${statement};`].sort();
  return `${[...others, ...sorted].join("\n")}\n`;
}
