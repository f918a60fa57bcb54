import { stat } from "node:fs/promises";
import { join } from "node:path";
import { discoverServices } from "../services/discover.ts";

/** Plain plurals the scaffolder takes, tried in order: a team may have made the first already. */
const CANDIDATES = ["things", "gadgets", "widgets", "parcels", "tickets", "bundles"];

/**
 * A name for the scaffolder's tests that no declared service, folder under services/ or proto
 * package of `root` has: the tests keep passing in a fork whose team made `things`.
 */
export async function freshServiceName(root: string): Promise<string> {
  const declared = new Set((await discoverServices(root)).map((service) => service.name));
  for (const name of CANDIDATES) {
    const folders = [join(root, "services", name), join(root, "contracts/proto/trellis", name)];
    if (!declared.has(name) && !(await anyExists(folders))) {
      return name;
    }
  }
  throw new Error(`every test name is taken: ${CANDIDATES.join(", ")}`);
}

/** The port the scaffolder gives the next service: one above the highest declared. */
export async function nextServicePort(root: string): Promise<number> {
  return Math.max(...(await discoverServices(root)).map((service) => service.port)) + 1;
}

async function anyExists(paths: string[]): Promise<boolean> {
  const found = await Promise.all(
    paths.map((path) =>
      stat(path).then(
        () => true,
        () => false,
      ),
    ),
  );
  return found.some(Boolean);
}
