import { join } from "node:path";
import type { ServiceNames } from "./naming.ts";
import { serviceReadme } from "./readme.ts";
import { renameText } from "./rename.ts";

/** The folder every service is copied from (the notes service) and its proto. */
export const TEMPLATE_DIR = "service-template";
export const TEMPLATE_PROTO = "contracts/proto/trellis/notes/v1/notes.proto";

/** Made by installs, builds and runs: never part of a copy. */
const SKIPPED = /(^|\/)(node_modules|dist|\.data|gen|reports)(\/|$)|\.tsbuildinfo$|\.log$/;

/** A file to write: its path relative to the repository root and its content. */
export interface FileWrite {
  path: string;
  content: string;
}

/**
 * The template's files (dotfiles included), relative to its folder, without build output and
 * without what its package.json says a copy leaves out (`trellis.template.omit`: the notes
 * service's labels example, which no new service needs).
 */
export async function templateFiles(root: string): Promise<string[]> {
  const omitted = new Set((await readManifest(root)).trellis.template?.omit ?? []);
  const glob = new Bun.Glob("**/*");
  const files: string[] = [];
  for await (const file of glob.scan({ cwd: join(root, TEMPLATE_DIR), dot: true })) {
    if (!SKIPPED.test(file) && !omitted.has(file)) {
      files.push(file);
    }
  }
  return files.sort();
}

/** What the new service's folder holds: every template file renamed, under services/<name>. */
export async function serviceFiles(
  root: string,
  names: ServiceNames,
  port: number,
): Promise<FileWrite[]> {
  const templatePort = (await readManifest(root)).trellis.service.port;
  const writes: FileWrite[] = [];
  for (const file of await templateFiles(root)) {
    const text = await Bun.file(join(root, TEMPLATE_DIR, file)).text();
    writes.push({
      path: `services/${names.name}/${renameText(file, names)}`,
      content: serviceFile(file, text, names, { from: templatePort, to: port }),
    });
  }
  return writes;
}

/** One file of the copy: the manifest and the README are written anew, the rest renamed. */
function serviceFile(
  file: string,
  text: string,
  names: ServiceNames,
  port: { from: number; to: number },
): string {
  if (file === "README.md") {
    return serviceReadme(names, port.to);
  }
  if (file === "package.json") {
    return serviceManifest(text, names, port.to);
  }
  const renamed = renameText(text, names);
  // The Dockerfile's PORT and EXPOSE are the one other place the port is written down.
  return file === "Dockerfile" ? renamed.replaceAll(String(port.from), String(port.to)) : renamed;
}

/** The template's package.json for the new service: renamed, its own port, version 0.1.0. */
function serviceManifest(text: string, names: ServiceNames, port: number): string {
  const manifest = JSON.parse(renameText(text, names));
  manifest.version = "0.1.0";
  manifest.description = `The ${names.name} service: per-user ${names.plural} on Postgres over gRPC`;
  manifest.trellis = { service: { name: names.name, port, rest: [names.protoService] } };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

interface TemplateManifest {
  trellis: { service: { port: number }; template?: { omit?: string[] } };
}

/** The template's package.json: its declared port and what a copy leaves out. */
async function readManifest(root: string): Promise<TemplateManifest> {
  return Bun.file(join(root, TEMPLATE_DIR, "package.json")).json();
}
