import {
  integerSetting,
  loadServiceConfig,
  parseEnv,
  type ServiceConfig,
} from "@trellis/service-kit";
import manifest from "../package.json" with { type: "json" };

/** The settings every service has, and how long a session may live in all. */
export interface IdentityConfig extends ServiceConfig {
  /**
   * A session is refused this long after it was created, however active: the 30-day sliding
   * window never extends it past this cap, so a stolen token stops working at the latest then.
   */
  sessionAbsoluteLifetimeDays: number;
}

const identityEnv = {
  // At least a day, so a session outlives a working day; at most ten years.
  SESSION_ABSOLUTE_LIFETIME_DAYS: integerSetting(1, 3650).default(90),
};

export function loadConfig(env: Record<string, string | undefined>): IdentityConfig {
  // The port this service is known by everywhere (dev, compose, deploy): package.json's.
  const service = loadServiceConfig(env, { port: manifest.trellis.service.port });
  const vars = parseEnv(identityEnv, env);
  return { ...service, sessionAbsoluteLifetimeDays: vars.SESSION_ABSOLUTE_LIFETIME_DAYS };
}
