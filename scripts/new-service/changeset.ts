import type { ServiceNames } from "./naming.ts";
import type { FileWrite } from "./template.ts";

export function changesetPath(names: ServiceNames): string {
  return `.changeset/new-service-${names.name}.md`;
}

/**
 * A new proto package is a new contracts subpath: a minor version of @trellis/contracts. The
 * service itself starts at 0.1.0 and is released with the contracts it depends on (a patch
 * release, see .changeset/README.md), so only the text names it.
 */
export function changesetFile(names: ServiceNames): FileWrite {
  const content = `---
"@trellis/contracts": minor
---

Add \`${names.protoService}\` (Create${names.singularPascal}, Get${names.singularPascal}, List${names.pluralPascal}, Update${names.singularPascal}, Delete${names.singularPascal}; REST under \`/api/${names.plural}\`) with \`./${names.name}/v1\` and \`./browser/${names.name}/v1\` subpaths, the contract of the new service \`${names.packageName}\` (\`services/${names.name}\`).
`;
  return { path: changesetPath(names), content };
}
