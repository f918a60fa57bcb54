import { json } from "./http.ts";

export type Handler = (request: Request, url: URL) => Promise<Response> | Response;

type Route = { GET?: Handler; POST?: Handler };

/** One provider's endpoints: path (below its prefix) -> method -> handler. */
export type Routes = Record<string, Route>;

/** Runs the handler for `path`; 404 for an unknown path, 405 for a known path's wrong method. */
export function dispatch(
  routes: Routes,
  path: string,
  request: Request,
  url: URL,
): Promise<Response> | Response {
  const route = routes[path];
  if (route === undefined) {
    return json({ error: "not_found", error_description: `no endpoint at ${url.pathname}` }, 404);
  }
  const handler = handlerFor(route, request.method);
  if (handler === undefined) {
    return json({ error: "method_not_allowed" }, 405, { allow: Object.keys(route).join(", ") });
  }
  return handler(request, url);
}

function handlerFor(route: Route, method: string): Handler | undefined {
  if (method === "GET" || method === "HEAD") {
    return route.GET;
  }
  if (method === "POST") {
    return route.POST;
  }
  return undefined;
}
