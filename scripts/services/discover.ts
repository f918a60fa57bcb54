import { readdir } from "node:fs/promises";
import { join } from "node:path";

/**
 * A service of the workspace as its own package.json declares it (`trellis.service`): the one
 * place a service is named. The dev runner, the workflows, the delivery checks and the
 * scaffolder read this list instead of keeping their own.
 */
export interface ServiceEntry {
  /** `notes`: the image `trellis-notes`, the tag `notes@<version>`, `NOTES_*` settings. */
  name: string;
  /** Its folder, relative to the repository root: `service-template`, `services/identity`. */
  dir: string;
  /** Its npm package name, `@trellis/notes`. */
  packageName: string;
  /** The gRPC port it listens on by default, in dev, compose and deploy alike. */
  port: number;
  /** Full proto names of its services the gateway serves over REST (google.api.http). */
  rest: string[];
}

/** Where services live: the template (the notes service) and every folder under services/. */
const TEMPLATE_DIR = "service-template";
const SERVICES_DIR = "services";

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Every service of the repository at `root`, by name; throws naming what is wrong. */
export async function discoverServices(root: string): Promise<ServiceEntry[]> {
  const dirs = [TEMPLATE_DIR, ...(await subfolders(root, SERVICES_DIR))];
  const entries: ServiceEntry[] = [];
  for (const dir of dirs) {
    const file = Bun.file(join(root, dir, "package.json"));
    if (await file.exists()) {
      entries.push(serviceEntry(dir, await file.json()));
    }
  }
  checkUnique(entries);
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

/** The entry a service folder's package.json declares; throws when the declaration is wrong. */
export function serviceEntry(dir: string, manifest: unknown): ServiceEntry {
  const { name: packageName, trellis } = manifest as {
    name?: unknown;
    trellis?: { service?: { name?: unknown; port?: unknown; rest?: unknown } };
  };
  const service = trellis?.service;
  const where = `${dir}/package.json`;
  if (typeof packageName !== "string" || service === undefined) {
    throw new Error(`${where}: a service folder declares "name" and "trellis.service"`);
  }
  const { name, port, rest = [] } = service;
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new Error(`${where}: trellis.service.name must be a lower-case name like "notes"`);
  }
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1024 || port > 65535) {
    throw new Error(`${where}: trellis.service.port must be a port from 1024 to 65535`);
  }
  if (!Array.isArray(rest) || !rest.every((r) => typeof r === "string")) {
    throw new Error(`${where}: trellis.service.rest must be a list of proto service names`);
  }
  return { name, dir, packageName, port, rest };
}

function checkUnique(entries: ServiceEntry[]): void {
  for (const key of ["name", "port"] as const) {
    const seen = new Map<unknown, string>();
    for (const entry of entries) {
      const other = seen.get(entry[key]);
      if (other !== undefined) {
        throw new Error(`${other} and ${entry.dir} both declare ${key} ${entry[key]}`);
      }
      seen.set(entry[key], entry.dir);
    }
  }
}

async function subfolders(root: string, dir: string): Promise<string[]> {
  const found = await readdir(join(root, dir), { withFileTypes: true }).catch(() => []);
  return found
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${dir}/${entry.name}`)
    .sort();
}
