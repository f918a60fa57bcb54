import { deploySecretsListing, envExampleListing, initScriptListing } from "./listed.ts";
import { type EntryService, envName } from "./names.ts";
import { withListedLine } from "./text-lines.ts";

const first = <T>(found: T[]): T | undefined => found[0];

/** deploy/postgres/init-databases.sh with a role and a database for `service`. */
export function addServiceToInitScript(text: string, service: EntryService): string {
  const { name } = service;
  const line = `create_database ${name} /run/secrets/${name}-db-password`;
  return withListedLine("deploy/postgres/init-databases.sh", text, { name, line }, (l) =>
    first(initScriptListing(l)),
  );
}

/** .env.example with the service's `# <NAME>_DATABASE_URL=` (its Postgres for `bun run dev`). */
export function addServiceToEnvExample(text: string, service: EntryService): string {
  const { name } = service;
  const line = `# ${envName(name)}_DATABASE_URL=`;
  return withListedLine(".env.example", text, { name, line }, (l) => first(envExampleListing(l)));
}

/** deploy/.env.example naming the service's secret files: its role's password, its URL. */
export function addServiceToDeployEnvExample(text: string, service: EntryService): string {
  const { name } = service;
  const line = `# secrets/${name}-db-password secrets/${name}-database-url`;
  return withListedLine("deploy/.env.example", text, { name, line }, (l) =>
    first(deploySecretsListing(l)),
  );
}
