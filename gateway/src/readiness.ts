import type { HealthStatus } from "@trellis/service-kit";

/** Asks the service at `address` (host:port) for its grpc.health.v1 status. */
export type HealthProbe = (address: string) => Promise<HealthStatus>;

export interface Readiness {
  ready: boolean;
  /** Each service's answer by name; UNREACHABLE when it gave none. */
  services: Record<string, HealthStatus | "UNREACHABLE">;
}

/**
 * Whether every service in `services` (name -> address) reports SERVING, asked at most once per
 * `maxAgeMs`: /readyz is anonymous, so a flood of it must cost a probe of each service per
 * second, not per request. An answer is reused for `maxAgeMs` after it arrived, and requests that
 * come while a probe runs wait for that probe rather than start another.
 */
export function cachedReadiness(
  services: Record<string, string>,
  probe: HealthProbe,
  options: { maxAgeMs: number; now?: () => number },
): () => Promise<Readiness> {
  const now = options.now ?? (() => performance.now());
  let last: { readiness: Readiness; at: number } | undefined;
  let running: Promise<Readiness> | undefined;
  return () => {
    if (last !== undefined && now() - last.at < options.maxAgeMs) {
      return Promise.resolve(last.readiness);
    }
    running ??= probeAll(services, probe)
      .then((readiness) => {
        last = { readiness, at: now() };
        return readiness;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
}

async function probeAll(services: Record<string, string>, probe: HealthProbe): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(services).map(async ([name, address]) => {
      try {
        return [name, await probe(address)] as const;
      } catch {
        return [name, "UNREACHABLE"] as const;
      }
    }),
  );
  return {
    ready: entries.every(([, state]) => state === "SERVING"),
    services: Object.fromEntries(entries),
  };
}
