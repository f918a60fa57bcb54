import { compileTemplate, type Step } from "./compile-template.ts";
import { describeRoute, type ServiceRoute } from "./conflicts.ts";
import { parseTemplate } from "./template.ts";

/** What the gateway itself answers, whatever the HTTP verb: no service route may reach into it. */
const GATEWAY_PATHS = [
  "/auth/**",
  "/api/me",
  "/api/session",
  "/healthz",
  "/readyz",
  "/docs",
  "/docs/**",
  "/openapi.json",
] as const;

const gatewaySteps = GATEWAY_PATHS.map((text) => {
  const parsed = parseTemplate(text);
  if (!parsed.ok) {
    throw new Error(parsed.error.message);
  }
  return { text, steps: compileTemplate(parsed.template).steps };
});

/** Whether some request path matches both step lists (`**` is always last). */
function overlap(a: readonly Step[], b: readonly Step[]): boolean {
  const [x, ...restA] = a;
  const [y, ...restB] = b;
  if (x?.kind === "deep-wildcard" || y?.kind === "deep-wildcard") {
    return true;
  }
  if (x === undefined || y === undefined) {
    return x === y;
  }
  if (x.kind === "literal" && y.kind === "literal" && x.value !== y.value) {
    return false;
  }
  return overlap(restA, restB);
}

/**
 * The first of the gateway's own paths (/auth/*, /api/me, /healthz, /readyz,
 * /docs, /openapi.json) that some request to `route` could also reach, as a message naming both;
 * null when there is none. Custom verbs are ignored: `/api/me:x` is refused too, to be safe.
 */
export function gatewayPathConflict(route: ServiceRoute): string | null {
  const steps = compileTemplate(route.template).steps;
  const taken = gatewaySteps.find((path) => overlap(steps, path.steps));
  if (taken === undefined) {
    return null;
  }
  return `${describeRoute(route)} and ${taken.text} (the gateway's own routes) match the same requests`;
}
