import { join } from "node:path";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { ROOT } from "./repo.ts";

const composeSchema = await Bun.file(
  join(ROOT, "node_modules/dclint/schemas/compose.schema.json"),
).json();
// As dclint compiles it: the Compose schema uses union types and a few non-strict keywords.
const validateCompose = new Ajv({
  allErrors: true,
  strict: false,
  allowUnionTypes: true,
  // It names draft-07 by an id Ajv does not know (no trailing #); Ajv speaks draft-07 anyway.
  validateSchema: false,
}).compile(composeSchema);

/** The Compose specification's JSON schema, over the file as written (before interpolation). */
export function composeSchemaErrors(yamlText: string): string[] {
  if (validateCompose(parse(yamlText))) {
    return [];
  }
  return (validateCompose.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`);
}
