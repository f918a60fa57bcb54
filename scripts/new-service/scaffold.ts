import { rm } from "node:fs/promises";
import { join } from "node:path";
import { workspacePackages } from "../release/workspace-packages.ts";
import { discoverServices, type ServiceEntry } from "../services/discover.ts";
import { MODEL } from "../services/entries/names.ts";
import { changesetFile, changesetPath } from "./changeset.ts";
import { formatAndLint, leftovers } from "./check.ts";
import { CONTRACTS_MANIFEST, contractsManifest, protoDir, protoFile } from "./contracts.ts";
import { k8sDir, k8sFolderFiles } from "./k8s-folder.ts";
import { type ServiceNames, serviceNames } from "./naming.ts";
import { identifierWords } from "./rename.ts";
import { createStaging, exists, install, writeStaged } from "./stage.ts";
import {
  type FileWrite,
  serviceFiles,
  TEMPLATE_DIR,
  TEMPLATE_PROTO,
  templateFiles,
} from "./template.ts";
import { identifierProblem, namesProblems, type Taken } from "./validate.ts";

/**
 * Writes the new service's entries in the files that list every service (compose, deploy, env
 * examples). Called once the service is in place, with the entry its package.json declares.
 */
export type WriteServiceEntries = (root: string, entry: ServiceEntry) => Promise<void>;

export interface ScaffoldOptions {
  /** The singular of what the service stores; from the name when absent (things -> thing). */
  resource?: string;
  writeServiceEntries?: WriteServiceEntries;
}

/** Bad input: every problem found, and nothing written. */
export class ScaffoldError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ScaffoldError";
  }
}

export interface Scaffolded {
  names: ServiceNames;
  entry: ServiceEntry;
  /** Files written or changed, relative to the root. */
  files: string[];
}

/**
 * Creates services/<name> from the template with its contract, subpaths, changeset and Kubernetes
 * folder (deploy/k8s/base/services/<name>, a copy of notes'): all staged and checked first, then
 * moved into place, so a failure leaves the repository as it was.
 */
export async function scaffoldService(
  root: string,
  name: string,
  options: ScaffoldOptions = {},
): Promise<Scaffolded> {
  const { resource, writeServiceEntries = async () => {} } = options;
  const names = await checkedNames(root, name, resource);
  const services = await discoverServices(root);
  const entry: ServiceEntry = {
    name: names.name,
    dir: `services/${names.name}`,
    packageName: names.packageName,
    // The next port above every declared one: free in dev, compose and deploy alike.
    port: Math.max(...services.map((service) => service.port)) + 1,
    rest: [names.protoService],
  };
  // Its Kubernetes folder is notes' on its own port, as compose and dev have it.
  const modelPort = services.find((service) => service.name === MODEL)?.port;
  if (modelPort === undefined) {
    throw new Error(`no ${MODEL} service (${TEMPLATE_DIR}) to copy the Kubernetes folder of`);
  }
  const created = [
    ...(await serviceFiles(root, names, entry.port)),
    await protoFile(root, names),
    ...(await k8sFolderFiles(root, names, { from: modelPort, to: entry.port })),
  ];
  const left = leftovers(created, names);
  if (left.length > 0) {
    throw new Error(`the renamed copy still speaks of notes in: ${left.join(", ")}`);
  }
  const files = [...created, await contractsManifest(root, names), changesetFile(names)];
  await writeAll(root, names, files, () => writeServiceEntries(root, entry));
  return { names, entry, files: files.map((file) => file.path) };
}

/** Stages `files`, checks the service, moves them into place, then runs `after` (or undoes). */
async function writeAll(
  root: string,
  names: ServiceNames,
  files: FileWrite[],
  after: () => Promise<void>,
): Promise<void> {
  const replaced = await Bun.file(join(root, CONTRACTS_MANIFEST)).text();
  const staging = await createStaging(root);
  try {
    await writeStaged(staging, files);
    await formatAndLint(root, join(staging, "services", names.name));
    const undo = await install(root, staging, {
      created: [`services/${names.name}`, protoDir(names), k8sDir(names), changesetPath(names)],
      replaced: [{ path: CONTRACTS_MANIFEST, original: replaced }],
    });
    await after().catch(async (error: unknown) => {
      await undo();
      throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The names for `name` and `resource`, or a ScaffoldError with every reason they cannot be. */
async function checkedNames(
  root: string,
  name: string,
  resource: string | undefined,
): Promise<ServiceNames> {
  const malformed = [
    identifierProblem(name, "name"),
    resource === undefined ? null : identifierProblem(resource, "resource"),
  ].filter((problem) => problem !== null);
  if (malformed.length > 0) {
    throw new ScaffoldError(malformed);
  }
  const names = serviceNames(name, resource);
  const problems = namesProblems(names, await taken(root, names));
  if (problems.length > 0) {
    throw new ScaffoldError(problems);
  }
  return names;
}

async function taken(root: string, names: ServiceNames): Promise<Taken> {
  const paths = [`services/${names.name}`, protoDir(names), k8sDir(names), changesetPath(names)];
  const existingPaths: string[] = [];
  for (const path of paths) {
    if (await exists(join(root, path))) {
      existingPaths.push(path);
    }
  }
  return {
    services: (await discoverServices(root)).map((service) => service.name),
    packages: (await workspacePackages(root)).map((pkg) => pkg.manifest.name),
    existingPaths,
    templateWords: await templateWords(root),
  };
}

/** The words of the template's identifiers other than its resource's. */
async function templateWords(root: string): Promise<Set<string>> {
  const words = new Set<string>();
  const sources = (await templateFiles(root)).filter((file) => /\.(ts|sql)$/.test(file));
  for (const file of [...sources.map((f) => join(TEMPLATE_DIR, f)), TEMPLATE_PROTO]) {
    for (const word of identifierWords(await Bun.file(join(root, file)).text())) {
      words.add(word);
    }
  }
  words.delete("note");
  words.delete("notes");
  return words;
}
