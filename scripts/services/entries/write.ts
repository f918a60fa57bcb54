import { join } from "node:path";
import { addServiceToCompose } from "./compose.ts";
import { addServiceToDeployCompose } from "./deploy-compose.ts";
import {
  addServiceToDeployEnvExample,
  addServiceToEnvExample,
  addServiceToInitScript,
} from "./files.ts";
import { addServiceToK8sBase, addServiceToK8sLocal, addServiceToK8sProduction } from "./k8s.ts";
import type { EntryService } from "./names.ts";

/** Each file that must list every service, and the function that adds one to its text. */
export const ENTRY_FILES: { path: string; add: (text: string, service: EntryService) => string }[] =
  [
    { path: "compose.yaml", add: addServiceToCompose },
    { path: "deploy/compose.yaml", add: addServiceToDeployCompose },
    { path: "deploy/k8s/base/kustomization.yaml", add: addServiceToK8sBase },
    { path: "deploy/k8s/overlays/production/kustomization.yaml", add: addServiceToK8sProduction },
    { path: "deploy/k8s/overlays/local/kustomization.yaml", add: addServiceToK8sLocal },
    { path: "deploy/postgres/init-databases.sh", add: addServiceToInitScript },
    { path: ".env.example", add: addServiceToEnvExample },
    { path: "deploy/.env.example", add: addServiceToDeployEnvExample },
  ];

/**
 * Adds `service` to every file under `root` that lists services. All the new texts are made
 * first, so a file that already lists it (which throws) leaves every file as it was.
 */
export async function writeServiceEntries(root: string, service: EntryService): Promise<string[]> {
  const written: { path: string; text: string }[] = [];
  for (const { path, add } of ENTRY_FILES) {
    written.push({ path, text: add(await Bun.file(join(root, path)).text(), service) });
  }
  for (const { path, text } of written) {
    await Bun.write(join(root, path), text);
  }
  return written.map(({ path }) => path);
}
