import type { HealthStatus } from "@trellis/service-kit";
import { Elysia } from "elysia";
import type { GatewayConfig } from "../config.ts";

export type HealthProbe = (address: string) => Promise<HealthStatus>;

/** /healthz: the process answers. /readyz: every service it routes to reports SERVING. */
export function healthRoutes(deps: {
  config: Pick<GatewayConfig, "identityAddress" | "notesAddress">;
  probe: HealthProbe;
}) {
  const services = {
    identity: deps.config.identityAddress,
    notes: deps.config.notesAddress,
  };
  return new Elysia({ detail: { tags: ["health"] } })
    .get("/healthz", () => ({ status: "ok" }))
    .get("/readyz", async ({ set }) => {
      const entries = await Promise.all(
        Object.entries(services).map(async ([name, address]) => {
          const state = await deps.probe(address).catch(() => "UNREACHABLE" as const);
          return [name, state] as const;
        }),
      );
      const ready = entries.every(([, state]) => state === "SERVING");
      set.status = ready ? 200 : 503;
      set.headers["cache-control"] = "no-store";
      return { status: ready ? "ready" : "not ready", services: Object.fromEntries(entries) };
    });
}
