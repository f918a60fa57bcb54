// Imported `with { type: "file" }`: Bun gives the path of the file (embedded in a compiled binary).
declare module "swagger-ui-dist/swagger-ui-bundle.js" {
  const path: string;
  // biome-ignore lint/style/noDefaultExport: what Bun's file imports give is a default export.
  export default path;
}
declare module "swagger-ui-dist/swagger-ui.css" {
  const path: string;
  // biome-ignore lint/style/noDefaultExport: what Bun's file imports give is a default export.
  export default path;
}
declare module "*/swagger-init.js" {
  const path: string;
  // biome-ignore lint/style/noDefaultExport: what Bun's file imports give is a default export.
  export default path;
}
