import { compileTemplate } from "./compile-template.ts";
import { formatTemplate } from "./format-template.ts";
import type { PathTemplate } from "./template.ts";

/** An RPC's HTTP binding: `service` is the full proto name, `verb` the HTTP method. */
export type ServiceRoute = {
  readonly service: string;
  readonly method: string;
  readonly verb: string;
  readonly template: PathTemplate;
};

export type RouteConflict = {
  readonly first: ServiceRoute;
  readonly second: ServiceRoute;
  readonly message: string;
};

/** "GET /v1/{id} (notes.v1.Notes/GetNote)": a route as messages name it. */
export const describeRoute = (route: ServiceRoute): string =>
  `${route.verb.toUpperCase()} ${formatTemplate(route.template)} (${route.service}/${route.method})`;

/**
 * Pairs of routes that would answer the same requests. Under the router's precedence (literal
 * before `*` before `**`, at each segment) two templates overlap exactly when they are equal
 * once variable names are dropped: `/v1/{id}` and `/v1/{name}` conflict, `/v1/notes` and
 * `/v1/{id}` do not, nor do `/v1/*` and `/v1/**`. Each later route is paired with the first.
 */
export function findConflicts(routes: readonly ServiceRoute[]): RouteConflict[] {
  const firstByKey = new Map<string, ServiceRoute>();
  const conflicts: RouteConflict[] = [];
  for (const route of routes) {
    const key = `${route.verb.toUpperCase()} ${compileTemplate(route.template).key}`;
    const first = firstByKey.get(key);
    if (first === undefined) {
      firstByKey.set(key, route);
      continue;
    }
    const message = `${describeRoute(first)} and ${describeRoute(route)} match the same requests`;
    conflicts.push({ first, second: route, message });
  }
  return conflicts;
}
