import { IDENTIFIER, type ServiceNames } from "./naming.ts";

/**
 * Names a new service may not take: the repository's own folders and packages, the template's
 * service, and words the gateway, the contracts or the tooling already use as a path segment.
 */
export const RESERVED = new Set([
  "api",
  "auth",
  "bench",
  "biome",
  "config",
  "contracts",
  "deploy",
  "dist",
  "gateway",
  "gen",
  "google",
  "grpc",
  "health",
  "identity",
  "kit",
  "node",
  "note",
  "notes",
  "patches",
  "proto",
  "scripts",
  "service",
  "services",
  "src",
  "template",
  "test",
  "testing",
  "tests",
  "trellis",
  "web",
]);

/** Long enough for any word, short enough that `<plural>_owner_id_id_idx` fits Postgres' 63. */
const MAX_LENGTH = 30;

/** What the repository already holds that a new service must not collide with. */
export interface Taken {
  /** Service names from `discoverServices`. */
  services: string[];
  /** Every workspace package name (`@trellis/gateway`, ...). */
  packages: string[];
  /** Paths (relative to the root) the scaffolder would create; those present already. */
  existingPaths: string[];
  /** Words the template's code uses besides notes (`owner`, `title`, `page`, ...). */
  templateWords: Set<string>;
}

/** Why `raw` cannot name a service (or a resource, with `what`), or null when it can. */
export function identifierProblem(raw: string, what: string): string | null {
  if (raw.includes("-")) {
    return `${what} "${raw}": no dashes; it becomes a proto package segment (trellis.<name>.v1) and part of TypeScript identifiers, where a dash is not allowed. Write it as one word: "${raw.replaceAll("-", "").toLowerCase()}"`;
  }
  if (!IDENTIFIER.test(raw)) {
    return `${what} "${raw}": must be lower-case letters and digits, starting with a letter (like "things")`;
  }
  if (raw.length > MAX_LENGTH) {
    return `${what} "${raw}": at most ${MAX_LENGTH} characters`;
  }
  return null;
}

/** Every reason the names cannot be scaffolded into the repository; empty when they can. */
export function namesProblems(names: ServiceNames, taken: Taken): string[] {
  const problems: string[] = [];
  if (RESERVED.has(names.name)) {
    problems.push(
      `name "${names.name}" is reserved (a folder, package or path the repository uses)`,
    );
  }
  if (taken.services.includes(names.name)) {
    problems.push(`a service named "${names.name}" exists already`);
  }
  if (taken.packages.includes(names.packageName)) {
    problems.push(`the package ${names.packageName} exists already`);
  }
  for (const path of taken.existingPaths) {
    problems.push(`${path} exists already; nothing is merged into it`);
  }
  problems.push(...collisions(names, taken.templateWords));
  return problems;
}

/** A resource or name that the template uses for something else would clash once renamed. */
function collisions(names: ServiceNames, words: Set<string>): string[] {
  const clashing = [names.name, names.singular, names.plural].filter(
    (word, i, all) => words.has(word) && all.indexOf(word) === i,
  );
  return clashing.map(
    (word) =>
      `"${word}" is already a word in the template's identifiers, so renamed ones would clash with it: choose another name, or another --resource`,
  );
}
