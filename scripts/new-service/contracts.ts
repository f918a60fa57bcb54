import { join } from "node:path";
import type { ServiceNames } from "./naming.ts";
import { renameText } from "./rename.ts";
import { type FileWrite, TEMPLATE_PROTO } from "./template.ts";

export const CONTRACTS_MANIFEST = "contracts/package.json";

/** The new service's contract: the template's proto renamed, at the path its package needs. */
export async function protoFile(root: string, names: ServiceNames): Promise<FileWrite> {
  const text = await Bun.file(join(root, TEMPLATE_PROTO)).text();
  return { path: protoPath(names), content: renameText(text, names) };
}

/** The folder of the service's proto package, created whole: `contracts/proto/trellis/<name>`. */
export function protoDir(names: ServiceNames): string {
  return `contracts/proto/trellis/${names.name}`;
}

export function protoPath(names: ServiceNames): string {
  return `${protoDir(names)}/v1/${names.name}.proto`;
}

/**
 * contracts/package.json with the new `./<name>/v1`, `./grpc-js/<name>/v1` and
 * `./browser/<name>/v1` subpaths.
 */
export async function contractsManifest(root: string, names: ServiceNames): Promise<FileWrite> {
  const text = await Bun.file(join(root, CONTRACTS_MANIFEST)).text();
  return { path: CONTRACTS_MANIFEST, content: withExports(text, names) };
}

/**
 * The manifest `text` with the service's subpaths added after the last generated one (before
 * `./descriptors`), in the shape the notes subpaths have. Throws when one is there already.
 */
export function withExports(text: string, names: ServiceNames): string {
  const manifest = JSON.parse(text) as { exports: Record<string, unknown> };
  const added: [string, unknown][] = [
    [`./${names.name}/v1`, generated("node", names.name)],
    [`./grpc-js/${names.name}/v1`, generated("grpc-js", names.name)],
    [`./browser/${names.name}/v1`, generated("browser", names.name)],
  ];
  for (const [subpath] of added) {
    if (subpath in manifest.exports) {
      throw new Error(`${CONTRACTS_MANIFEST} exports ${subpath} already`);
    }
  }
  const entries = Object.entries(manifest.exports);
  const at = entries.findIndex(([subpath]) => !subpath.endsWith("/v1"));
  entries.splice(at === -1 ? entries.length : at, 0, ...added);
  manifest.exports = Object.fromEntries(entries);
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function generated(target: "node" | "grpc-js" | "browser", name: string): Record<string, string> {
  const file = `./gen/${target}/trellis/${name}/v1/${name}.ts`;
  return { types: file, default: file };
}
