import { type Document, isSeq } from "yaml";
import { addServiceBlock, addToGateway, refuseListed } from "./compose.ts";
import { type EntryService, MODEL } from "./names.ts";
import { insertSorted, mapAt, parseYaml, renamedCopy, stringifyYaml } from "./yaml-doc.ts";

/**
 * The image a new service is deployed from until its first release: its own name, the version a
 * new package starts at, and the placeholder digest the images workflow replaces on release.
 */
const UNRELEASED = `0.1.0@sha256:${"0".repeat(64)}`;

/** A service's secret files: its role's password (Postgres') and its database URL (its own). */
const secretsOf = (name: string): string[] => [`${name}-database-url`, `${name}-db-password`];

/**
 * deploy/compose.yaml with `service` added: its block, a copy of notes' (image pinned, limits,
 * read-only, its own database role and URL file); both gateways' REST_SERVICES entries and
 * depends_on; its secrets declared, and its role's password file given to Postgres' init script.
 * Throws when the file already lists it.
 */
export function addServiceToDeployCompose(text: string, service: EntryService): string {
  refuseListed("deploy/compose.yaml", text, service);
  const doc = parseYaml(text);
  const block = addServiceBlock(doc, service);
  const repository = String(block.get("image")).split("@")[0] ?? "";
  block.set("image", `${repository.slice(0, repository.lastIndexOf(":"))}:${UNRELEASED}`);
  addToGateway(doc, service);
  addSecrets(doc, service.name);
  return stringifyYaml(doc);
}

/** The top-level secrets (copies of the model's) and Postgres' password file, sorted. */
function addSecrets(doc: Document, name: string): void {
  const secrets = mapAt(doc, ["secrets"]);
  secretsOf(MODEL).forEach((model, index) => {
    const value = renamedCopy(mapAt(doc, ["secrets", model]), name);
    insertSorted(doc, secrets, { key: secretsOf(name)[index] ?? model, value });
  });
  const postgres = doc.getIn(["services", "postgres", "secrets"], true);
  if (!isSeq(postgres)) {
    throw new Error("deploy/compose.yaml: no services.postgres.secrets to add the password to");
  }
  const names = [...postgres.items.map(String), `${name}-db-password`].sort();
  doc.setIn(["services", "postgres", "secrets"], doc.createNode(names));
}
