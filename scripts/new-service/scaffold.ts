import { rm } from "node:fs/promises";
import { join } from "node:path";
import { workspacePackages } from "../release/workspace-packages.ts";
import { discoverServices, type ServiceEntry } from "../services/discover.ts";
import { changesetFile, changesetPath } from "./changeset.ts";
import { formatAndLint, leftovers } from "./check.ts";
import { contractsManifest, protoFile } from "./contracts.ts";
import { type ServiceNames, serviceNames } from "./naming.ts";
import { identifierWords } from "./rename.ts";
import { createStaging, exists, install, writeStaged } from "./stage.ts";
import { serviceFiles, TEMPLATE_DIR, TEMPLATE_PROTO, templateFiles } from "./template.ts";
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
 * Creates services/<name> from the template with its contract, subpaths and changeset: all
 * staged and checked first, then moved into place, so a failure leaves the repository as it was.
 */
export async function scaffoldService(
  root: string,
  name: string,
  options: ScaffoldOptions = {},
): Promise<Scaffolded> {
  const { resource, writeServiceEntries = async () => {} } = options;
  const names = await checkedNames(root, name, resource);
  const services = await discoverServices(root);
  const port = Math.max(...services.map((service) => service.port)) + 1;
  const entry: ServiceEntry = {
    name: names.name,
    dir: `services/${names.name}`,
    packageName: names.packageName,
    port,
    rest: [names.protoService],
  };
  const service = await serviceFiles(root, names, port);
  const proto = await protoFile(root, names);
  const contracts = await contractsManifest(root, names);
  const original = await Bun.file(join(root, contracts.path)).text();
  const left = leftovers([...service, proto], names);
  if (left.length > 0) {
    throw new Error(`the renamed copy still speaks of notes in: ${left.join(", ")}`);
  }
  const staging = await createStaging(root);
  try {
    await writeStaged(staging, [...service, proto, contracts, changesetFile(names)]);
    await formatAndLint(root, join(staging, entry.dir));
    const undo = await install(root, staging, {
      created: [entry.dir, `contracts/proto/trellis/${names.name}`, changesetPath(names)],
      replaced: [{ path: contracts.path, original }],
    });
    await writeServiceEntries(root, entry).catch(async (error: unknown) => {
      await undo();
      throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const files = [...service, proto, contracts].map((file) => file.path);
  return { names, entry, files: [...files, changesetPath(names)] };
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
  const paths = [
    `services/${names.name}`,
    `contracts/proto/trellis/${names.name}`,
    changesetPath(names),
  ];
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
