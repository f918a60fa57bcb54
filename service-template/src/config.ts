import { loadServiceConfig, type ServiceConfig } from "@trellis/service-kit";
import manifest from "../package.json" with { type: "json" };

/** The notes service needs only the settings every service has. */
export function loadConfig(env: Record<string, string | undefined>): ServiceConfig {
  // The port this service is known by everywhere (dev, compose, deploy): package.json's.
  return loadServiceConfig(env, { port: manifest.trellis.service.port });
}
