import { Elysia } from "elysia";
import type { GatewayConfig } from "../config.ts";
import { HttpError } from "../errors.ts";
import { createCompressionCache, isCompressible, pickEncoding } from "../web/compression.ts";
import { proxyToDevServer } from "../web/dev-proxy.ts";
import { contentSecurityPolicy, htmlSecurityHeaders } from "../web/security-headers.ts";
import { findStaticFile, hasBuiltApp, type StaticFile } from "../web/static-files.ts";

// Paths the app never answers: an unknown API path is a JSON 404, never the app's HTML.
const RESERVED = ["/api", "/auth", "/docs", "/openapi.json", "/healthz", "/readyz"];
const IMMUTABLE = "public, max-age=31536000, immutable";

type Serve = (request: Request, pathname: string) => Promise<Response>;

/**
 * The web app (gateway/web): files of its build, and index.html for any other page a browser
 * asks for, so client routes such as /signin load on reload. In development it fronts Vite's
 * dev server instead; with neither, `/` sends a freshly signed-in browser to /api/me.
 * Mounted after the API, whose routes always win over this wildcard.
 */
export function webRoutes(deps: { config: Pick<GatewayConfig, "mode" | "web"> }) {
  const serve = chooseSource(deps.config);
  const handler = ({ request, path }: { request: Request; path: string }) => {
    if (RESERVED.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) {
      throw notFound(request, path);
    }
    return serve(request, path);
  };
  const hidden = { detail: { hide: true } };
  return new Elysia({ name: "web" }).get("/", handler, hidden).get("/*", handler, hidden);
}

function chooseSource(config: Pick<GatewayConfig, "mode" | "web">): Serve {
  const { devServer, distDir } = config.web;
  const httpImages = config.mode === "development";
  if (devServer !== null) {
    const viteHmrSocket = devServer.replace(/^http/, "ws");
    const headers = htmlSecurityHeaders(contentSecurityPolicy({ httpImages, viteHmrSocket }));
    return async (request) => withHtmlHeaders(await proxyToDevServer(devServer, request), headers);
  }
  if (hasBuiltApp(distDir)) {
    return builtApp(distDir, htmlSecurityHeaders(contentSecurityPolicy({ httpImages })));
  }
  // No build (API-only checkouts and tests): a sign-in, which lands on `/`, ends on the user.
  return async (request, pathname) => {
    if (pathname === "/") {
      return new Response(null, { status: 302, headers: { location: "/api/me" } });
    }
    throw notFound(request, pathname);
  };
}

function builtApp(distDir: string, htmlHeaders: Record<string, string>): Serve {
  const compressed = createCompressionCache();

  const answer = async (request: Request, file: StaticFile): Promise<Response> => {
    const isHtml = file.contentType.startsWith("text/html");
    const headers: Record<string, string> = {
      "content-type": file.contentType,
      "cache-control": file.immutable ? IMMUTABLE : "no-cache",
      ...(isHtml ? htmlHeaders : {}),
    };
    const compressible = isCompressible(file.contentType, file.size);
    const encoding = compressible ? pickEncoding(request.headers.get("accept-encoding")) : null;
    if (compressible) {
      headers.vary = "Accept-Encoding";
    }
    // Each encoding is its own representation, with its own validator.
    headers.etag = encoding === null ? file.etag : `${file.etag.slice(0, -1)}-${encoding}"`;
    if (matchesEtag(request.headers.get("if-none-match"), headers.etag)) {
      return new Response(null, { status: 304, headers });
    }
    if (encoding === null) {
      return new Response(Bun.file(file.file), { headers });
    }
    const body = await compressed.get(`${file.file}:${file.etag}`, encoding, () =>
      Bun.file(file.file).bytes(),
    );
    headers["content-encoding"] = encoding;
    return new Response(body, { headers });
  };

  return async (request, pathname) => {
    const file = await findStaticFile(distDir, pathname);
    if (file !== null) {
      return answer(request, file);
    }
    // A missing hashed asset (an old build's chunk) must fail as itself, not parse as HTML.
    const isPage = !pathname.startsWith("/assets/") && acceptsHtml(request);
    const index = isPage ? await findStaticFile(distDir, "/index.html") : null;
    if (index === null) {
      throw notFound(request, pathname);
    }
    return answer(request, index);
  };
}

function withHtmlHeaders(response: Response, headers: Record<string, string>): Response {
  if ((response.headers.get("content-type") ?? "").startsWith("text/html")) {
    for (const [name, value] of Object.entries(headers)) {
      response.headers.set(name, value);
    }
  }
  return response;
}

function acceptsHtml(request: Request): boolean {
  return (request.headers.get("accept") ?? "").includes("text/html");
}

function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) {
    return false;
  }
  return ifNoneMatch
    .split(",")
    .some((tag) => tag.trim() === "*" || tag.trim().replace(/^W\//, "") === etag);
}

function notFound(request: Request, path: string): HttpError {
  return new HttpError(404, "NOT_FOUND", `no route for ${request.method} ${path}`);
}
