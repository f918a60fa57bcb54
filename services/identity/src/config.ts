import { loadServiceConfig, type ServiceConfig } from "@trellis/service-kit";

/** The identity service needs only the settings every service has. */
export function loadConfig(env: Record<string, string | undefined>): ServiceConfig {
  return loadServiceConfig(env, { port: 50052 });
}
