import { Elysia } from "elysia";

/**
 * `Cache-Control: no-store` on every /api response, successes and errors alike: each one is a
 * user's own data, which no shared cache (a proxy, a CDN) and no browser cache (back/forward,
 * a shared computer) may keep. Set before routing, so it holds for every /api route, those
 * added later too, whatever hook answers; the error hook sets it on every error as well.
 */
export function apiNoStore() {
  return new Elysia({ name: "api-no-store" }).onRequest(({ request, set }) => {
    if (isApiPath(request.url)) {
      set.headers["cache-control"] = "no-store";
    }
  });
}

/** Whether an absolute URL's path is /api or under it, without parsing the whole URL. */
export function isApiPath(url: string): boolean {
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  if (pathStart < 0 || !url.startsWith("/api", pathStart)) {
    return false;
  }
  const next = url[pathStart + 4];
  return next === undefined || next === "/" || next === "?" || next === "#";
}
