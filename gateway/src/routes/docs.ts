/// <reference path="../docs/swagger-ui-files.d.ts" />
import { Elysia } from "elysia";
import stylesPath from "swagger-ui-dist/swagger-ui.css" with { type: "file" };
import bundlePath from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "file" };
import initPath from "../docs/swagger-init.js" with { type: "file" };
import { notFound } from "../errors.ts";
import { htmlSecurityHeaders } from "../http/security-headers.ts";

// The API reference: Swagger UI from its npm package (swagger-ui-dist, pinned), served from this
// origin and, in a compiled gateway, from inside the binary. Nothing loads from another origin,
// and nothing runs inline: the page, its script and its styles are all files of ours.

/** What /docs may load: its own files and the OpenAPI document; Swagger UI's icons are data: URIs. */
export const docsContentSecurityPolicy: string = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Trellis API</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link rel="stylesheet" href="/docs/swagger-ui.css">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

const assets = {
  "swagger-ui-bundle.js": { path: bundlePath, type: "text/javascript; charset=utf-8" },
  "swagger-ui.css": { path: stylesPath, type: "text/css; charset=utf-8" },
  "init.js": { path: initPath, type: "text/javascript; charset=utf-8" },
} as const;

/** GET /docs and the files it loads, each under the page's CSP. */
export function docsRoutes() {
  const headers = {
    ...htmlSecurityHeaders(docsContentSecurityPolicy),
    "cache-control": "no-cache",
  };
  return new Elysia({ detail: { hide: true } })
    .get(
      "/docs",
      () =>
        new Response(PAGE, { headers: { ...headers, "content-type": "text/html; charset=utf-8" } }),
    )
    .get("/docs/:file", ({ params }) => {
      if (!Object.hasOwn(assets, params.file)) {
        throw notFound("no such file");
      }
      const asset = assets[params.file as keyof typeof assets];
      return new Response(Bun.file(asset.path), {
        headers: { ...headers, "content-type": asset.type },
      });
    });
}
