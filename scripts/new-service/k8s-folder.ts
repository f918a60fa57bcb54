import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { MODEL, renamed } from "../services/entries/names.ts";
import type { ServiceNames } from "./naming.ts";
import type { FileWrite } from "./template.ts";

/** Where each service's Kubernetes manifests live; the new one's is a copy of notes'. */
export const K8S_SERVICES_DIR = "deploy/k8s/base/services";

export function k8sDir(names: ServiceNames): string {
  return `${K8S_SERVICES_DIR}/${names.name}`;
}

/** The manifests' comments stay within the repository's 100 columns once a longer name is in. */
const WIDTH = 100;

/**
 * deploy/k8s/base/services/<name>: notes' folder with `notes` replaced by the service's name
 * (its Deployment, Service, image, Secret, Postgres, its database and role, which are all the
 * service's name, never its resource's) and notes' port by its own. The kustomization's heading
 * says where the folder came from instead of how to copy it.
 */
export async function k8sFolderFiles(
  root: string,
  names: ServiceNames,
  port: { from: number; to: number },
): Promise<FileWrite[]> {
  const model = join(root, K8S_SERVICES_DIR, MODEL);
  const files = (await readdir(model)).filter((file) => file.endsWith(".yaml")).sort();
  const writes: FileWrite[] = [];
  for (const file of files) {
    const text = renamed(await Bun.file(join(model, file)).text(), names.name).replace(
      new RegExp(`\\b${port.from}\\b`, "g"),
      String(port.to),
    );
    const content = file === "kustomization.yaml" ? withHeading(text, names) : text;
    writes.push({ path: `${k8sDir(names)}/${file}`, content: wrapComments(content, WIDTH) });
  }
  return writes;
}

/** The kustomization with its leading comment replaced by one for the new service. */
function withHeading(text: string, names: ServiceNames): string {
  const lines = text.split("\n");
  const body = lines.slice(
    Math.max(
      0,
      lines.findIndex((line) => !line.startsWith("#")),
    ),
  );
  const heading = [
    `# The ${names.name} service and its own database, written by \`bun run new-service\` from the`,
    `# template's folder (deploy/k8s/README.md, "Adding a service").`,
  ];
  return [...heading, ...body].join("\n");
}

/** Each comment line longer than `width` broken at its last space that fits, as by hand. */
export function wrapComments(text: string, width: number): string {
  return text
    .split("\n")
    .flatMap((line) => wrapped(line, width))
    .join("\n");
}

function wrapped(line: string, width: number): string[] {
  const comment = /^(\s*# )/.exec(line);
  if (comment === null || line.length <= width) {
    return [line];
  }
  const prefix = comment[1] ?? "";
  const cut = line.lastIndexOf(" ", width);
  if (cut <= prefix.length) {
    return [line];
  }
  return [line.slice(0, cut), ...wrapped(`${prefix}${line.slice(cut + 1)}`, width)];
}
