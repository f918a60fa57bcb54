import { Elysia } from "elysia";
import type { GatewayConfig } from "../config.ts";
import { noRoute } from "../errors.ts";
import { redirectTo } from "../http/redirect.ts";
import { contentSecurityPolicy, htmlSecurityHeaders } from "../http/security-headers.ts";
import { builtAppFiles } from "../static/built-app.ts";
import { proxyToDevServer, withHtmlHeaders } from "../static/dev-proxy.ts";
import { hasBuiltApp } from "../static/static-files.ts";

// Paths the app never answers: an unknown API path is a JSON 404, never the app's HTML.
const RESERVED = ["/api", "/auth", "/docs", "/openapi.json", "/healthz", "/readyz"];

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
      throw noRoute(request.method, path);
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
    const files = builtAppFiles(
      distDir,
      htmlSecurityHeaders(contentSecurityPolicy({ httpImages })),
    );
    return async (request, pathname) => {
      const response = await files(request, pathname);
      if (response === null) {
        throw noRoute(request.method, pathname);
      }
      return response;
    };
  }
  // No build (API-only checkouts and tests): a sign-in, which lands on `/`, ends on the user.
  return async (request, pathname) => {
    if (pathname === "/") {
      return redirectTo("/api/me");
    }
    throw noRoute(request.method, pathname);
  };
}
