// `bun scripts/services/list.ts --json`: every image the repository builds, the gateway's and
// each discovered service's, as one line of JSON ([{service, context, dockerfile}]): ci.yml's
// image matrix. `bun scripts/services/list.ts --dir <service>`: the folder that service's image
// builds from, or exit 1 for a name that has none (images.yml checks its input with it).
// The workflows run this instead of listing services, so a new service needs no workflow edit.
import { resolve } from "node:path";
import { discoverServices } from "./discover.ts";
import { imageContext, imageTargets } from "./images.ts";

const USAGE = "usage: bun scripts/services/list.ts --json | --dir <service>";

const root = resolve(import.meta.dir, "../..");
const [flag, name, ...extra] = process.argv.slice(2);
try {
  const targets = imageTargets(await discoverServices(root));
  if (flag === "--json" && name === undefined) {
    console.log(JSON.stringify(targets));
  } else if (flag === "--dir" && name !== undefined && extra.length === 0) {
    console.log(imageContext(targets, name));
  } else {
    throw new Error(USAGE);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
