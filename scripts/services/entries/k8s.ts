import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { alreadyListed, type EntryService, MODEL, restEntries } from "./names.ts";
import { parseYaml, renamedCopy } from "./yaml-doc.ts";

// deploy/k8s's kustomizations (deploy/k8s/README.md, "Adding a service"). The service's own folder,
// base/services/<name>, is the scaffolder's to write (scripts/new-service/k8s-folder.ts).

/** As the kustomizations are written: no folding, `{ name: … }` padded (the local overlay's). */
const STRINGIFY = { lineWidth: 0, flowCollectionPadding: true } as const;

/** Its image's digest until the first release: one no image has, which pin-image.sh replaces. */
const PLACEHOLDER = { tag: "0.1.0", digest: `sha256:${"0".repeat(64)}` };

/** `ghcr.io/<owner>/trellis-<name>`, our images' names in the base's Deployments. */
const imageOf = (name: string) => new RegExp(`^ghcr\\.io/[^/]+/trellis-${name}$`);

function seqAt(doc: Document, path: string[], file: string): YAMLSeq {
  const node = doc.getIn(path, true);
  if (!isSeq(node)) {
    throw new Error(`${file}: no list at ${path.join(".")}`);
  }
  return node;
}

const str = (node: unknown): string => String(isScalar(node) ? node.value : node);

/**
 * Puts `item` in `seq` before the first item of its group (those `groupKey` names) that sorts
 * after `key`, else after the group's last: the lists keep our services in alphabetical order.
 */
function insertSortedItem(
  seq: YAMLSeq,
  item: unknown,
  key: string,
  groupKey: (node: unknown) => string | null,
): void {
  const keys = seq.items.map(groupKey);
  const after = keys.findIndex((k) => k !== null && k.localeCompare(key) > 0);
  const last = keys.findLastIndex((k) => k !== null);
  const at = after !== -1 ? after : last === -1 ? seq.items.length : last + 1;
  seq.items.splice(at, 0, item);
}

/**
 * deploy/k8s/base/kustomization.yaml with `service` added: `services/<name>` under `resources`
 * (among the other services, in alphabetical order) and its entries in the gateway's
 * REST_SERVICES. Throws when it lists the service already.
 */
export function addServiceToK8sBase(text: string, service: EntryService): string {
  const file = "deploy/k8s/base/kustomization.yaml";
  const doc = parseYaml(text);
  const resources = seqAt(doc, ["resources"], file);
  const folder = `services/${service.name}`;
  const literal = restLiteral(doc, file);
  const listed = literal.value.split("=").slice(1).join("=").split(",");
  if (
    resources.items.some((item) => str(item) === folder) ||
    restEntries(service).some((entry) => listed.includes(entry))
  ) {
    throw alreadyListed(file, service.name);
  }
  const inServices = (item: unknown) => (str(item).startsWith("services/") ? str(item) : null);
  insertSortedItem(resources, doc.createNode(folder), folder, inServices);
  literal.value = [literal.value, ...restEntries(service)]
    .join(",")
    .replace("REST_SERVICES=,", "REST_SERVICES=");
  return doc.toString(STRINGIFY);
}

/** The `REST_SERVICES=…` literal of the gateway-routes generator, to edit in place. */
function restLiteral(doc: Document, file: string): Scalar<string> {
  const generators = seqAt(doc, ["configMapGenerator"], file);
  const routes = generators.items.find(
    (g): g is YAMLMap => isMap(g) && g.get("name") === "gateway-routes",
  );
  const literals = routes?.get("literals", true);
  const literal = isSeq(literals)
    ? literals.items.find((l) => isScalar(l) && String(l.value).startsWith("REST_SERVICES="))
    : undefined;
  if (!isScalar(literal)) {
    throw new Error(`${file}: no REST_SERVICES literal in the gateway-routes generator`);
  }
  return literal as Scalar<string>;
}

/**
 * An overlay's kustomization with the service's image among `images`: a copy of notes' entry
 * under its name, among our own images in alphabetical order. In production (`unreleased`) its
 * tag and digest are the placeholder its first release replaces (pin-image.sh): notes' own may
 * be pinned to a release already. Throws when the overlay lists the image already.
 */
function addImage(file: string, text: string, service: EntryService, unreleased: boolean): string {
  const doc = parseYaml(text);
  const images = seqAt(doc, ["images"], file);
  const nameOf = (item: unknown) => (isMap(item) ? String(item.get("name")) : "");
  if (images.items.some((item) => imageOf(service.name).test(nameOf(item)))) {
    throw alreadyListed(file, service.name);
  }
  const model = images.items.find((item) => imageOf(MODEL).test(nameOf(item)));
  if (!isMap(model)) {
    throw new Error(`${file}: no ${MODEL} image entry to copy`);
  }
  const entry = renamedCopy(model, service.name);
  if (unreleased) {
    setScalar(entry, "newTag", PLACEHOLDER.tag, file);
    setScalar(entry, "digest", PLACEHOLDER.digest, file);
  }
  const ours = (item: unknown) =>
    /^ghcr\.io\/[^/]+\/trellis-/.test(nameOf(item)) ? nameOf(item) : null;
  insertSortedItem(images, entry, String(entry.get("name")), ours);
  return doc.toString(STRINGIFY);
}

/** Sets a scalar of the copied entry, keeping its style (the tag stays quoted). */
function setScalar(map: YAMLMap, key: string, value: string, file: string): void {
  const node = map.get(key, true);
  if (!isScalar(node)) {
    throw new Error(`${file}: ${MODEL}'s image entry has no ${key}`);
  }
  node.value = value;
}

/** The production overlay with the service's image, tag and placeholder digest. */
export function addServiceToK8sProduction(text: string, service: EntryService): string {
  return addImage("deploy/k8s/overlays/production/kustomization.yaml", text, service, true);
}

/** The local overlay with the service's image, by the tag its local build has (`:dev`). */
export function addServiceToK8sLocal(text: string, service: EntryService): string {
  return addImage("deploy/k8s/overlays/local/kustomization.yaml", text, service, false);
}
