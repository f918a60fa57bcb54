import { Elysia } from "elysia";
import type { GatewayConfig } from "../config.ts";
import { cachedReadiness, type HealthProbe } from "../readiness.ts";

/** An answer is reused this long: at most one probe of each service per second, however busy. */
const READINESS_MAX_AGE_MS = 1_000;

/**
 * /healthz: the process answers. /readyz: every service it routes to (REST_SERVICES too) reports
 * SERVING (200, else 503). Which services and what each said is shown only with `readyzDetails`
 * (by default in development): the names and states of internal services are not for anonymous
 * callers.
 */
export function healthRoutes(deps: {
  config: Pick<GatewayConfig, "identityAddress" | "readyzDetails" | "restServices">;
  probe: HealthProbe;
  /** Injected so tests can move time. */
  now?: () => number;
}) {
  // Identity, which sign-in and sessions need, and each REST_SERVICES entry by its full name,
  // whatever service it is: with none configured, identity alone decides readiness.
  const services: Record<string, string> = { identity: deps.config.identityAddress };
  for (const { name, address } of deps.config.restServices) {
    services[name] = address;
  }
  const readiness = cachedReadiness(services, deps.probe, {
    maxAgeMs: READINESS_MAX_AGE_MS,
    now: deps.now,
  });
  return new Elysia({ detail: { tags: ["health"] } })
    .get("/healthz", () => ({ status: "ok" }))
    .get("/readyz", async ({ set }) => {
      const { ready, services: states } = await readiness();
      set.status = ready ? 200 : 503;
      set.headers["cache-control"] = "no-store";
      const status = ready ? "ready" : "not ready";
      return deps.config.readyzDetails ? { status, services: states } : { status };
    });
}
