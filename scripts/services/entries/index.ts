// What `bun run new-service` and the delivery checks use: one import for the entries a service
// needs in the files that must list it, and the check that they list exactly the services.
export { type EntryTexts, serviceEntryProblems } from "./check.ts";
export { addServiceToCompose } from "./compose.ts";
export { addServiceToDeployCompose } from "./deploy-compose.ts";
export {
  addServiceToDeployEnvExample,
  addServiceToEnvExample,
  addServiceToInitScript,
} from "./files.ts";
export { addServiceToK8sBase, addServiceToK8sLocal, addServiceToK8sProduction } from "./k8s.ts";
export type { EntryService } from "./names.ts";
export { ENTRY_FILES, writeServiceEntries } from "./write.ts";
