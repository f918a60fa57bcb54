import type { OpenAPI3 } from "openapi-typescript";

// openapi-typescript builds its output with the TypeScript compiler API (`ts.factory`), which
// TypeScript 7, this workspace's `typescript`, does not ship. Its modules' `typescript` import
// is pointed at TypeScript 5.9 (the `openapi-typescript-typescript` alias), for them alone, as
// gateway/web's svelte-check.cjs does for svelte-check.
const typescript5 = Bun.resolveSync("openapi-typescript-typescript", import.meta.dir);
let registered = false;

/** openapi-typescript's output for a document, as TypeScript source. */
export async function openApiToTypeScript(document: unknown): Promise<string> {
  if (!registered) {
    registered = true;
    Bun.plugin({
      name: "typescript-5-for-openapi-typescript",
      setup(build) {
        build.onLoad({ filter: /\/openapi-typescript\/dist\/.*\.mjs$/ }, async ({ path }) => {
          const text = await Bun.file(path).text();
          const contents = text.replaceAll(
            /from ['"]typescript['"]/g,
            `from ${JSON.stringify(typescript5)}`,
          );
          return { contents, loader: "js" };
        });
      },
    });
  }
  const { default: openapiTS, astToString } = await import("openapi-typescript");
  return astToString(await openapiTS(document as OpenAPI3));
}
