import { addServiceBlock, addToGateway, refuseListed } from "./compose.ts";
import { type EntryService, envName, MODEL } from "./names.ts";
import { insertSorted, mapAt, parseYaml, renamedCopy, stringifyYaml } from "./yaml-doc.ts";

/**
 * The image a new service is deployed from until its first release: its own name, the version a
 * new package starts at, and the placeholder digest the images workflow replaces on release.
 */
const UNRELEASED = `0.1.0@sha256:${"0".repeat(64)}`;

const passwordKey = (name: string): string => `${envName(name)}_DB_PASSWORD`;

/**
 * deploy/compose.yaml with `service` added: its block, a copy of notes' (image pinned, limits,
 * read-only, its own database role); the gateway's REST_SERVICES entries and depends_on; its role's
 * password passed to Postgres' init script. Throws when the file already lists it.
 */
export function addServiceToDeployCompose(text: string, service: EntryService): string {
  refuseListed("deploy/compose.yaml", text, service);
  const doc = parseYaml(text);
  const block = addServiceBlock(doc, service);
  const repository = String(block.get("image")).split("@")[0] ?? "";
  block.set("image", `${repository.slice(0, repository.lastIndexOf(":"))}:${UNRELEASED}`);
  addToGateway(doc, service);
  const env = mapAt(doc, ["services", "postgres", "environment"]);
  const password = renamedCopy(env.get(passwordKey(MODEL), true) as object, service.name);
  insertSorted(doc, env, { key: passwordKey(service.name), value: password }, (key) =>
    key.endsWith("_DB_PASSWORD"),
  );
  return stringifyYaml(doc);
}
