import { z } from "zod";
import { type CallerPublicKey, isTestCallerKey, parsePublicKeys } from "../caller/caller-keys.ts";
import type { LogLevel } from "../log.ts";

/** Settings every service reads from its environment. */
export interface ServiceConfig {
  /** production (the default) refuses the repository's test keys; development allows them. */
  mode: "development" | "production";
  /** Address the gRPC server binds: 127.0.0.1 by default; containers set 0.0.0.0. */
  host: string;
  port: number;
  logLevel: LogLevel;
  database: DatabaseConfig;
  /** The gateway's public keys (CALLER_PUBLIC_KEYS): verify the caller token of every call. */
  callerKeys: CallerPublicKey[];
  /** Folder of NNNN_name.sql files, when they do not sit beside the code (container images). */
  migrationsDir: string | undefined;
  /** How long health reports NOT_SERVING before the server stops taking calls. */
  shutdownDelayMs: number;
  /** How long in-flight calls may run once the server stops taking new ones. */
  shutdownGraceMs: number;
}

export interface DatabaseConfig {
  url: string;
  /** Connections in the pool; callers beyond it wait, bounded by their call's deadline. */
  poolMax: number;
  connectTimeoutSeconds: number;
  /** Postgres cancels any statement running longer than this. */
  statementTimeoutMs: number;
  idleTimeoutSeconds: number;
}

/** Thrown at startup when a variable is missing or malformed; its message names the variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * A setting parsed by `parse`, whose Error message states the rule; the value itself never
 * reaches a message (it may be a key or a password).
 */
export function parsedSetting<Parsed>(
  parse: (value: string) => Parsed,
): z.ZodPipe<z.ZodString, z.ZodTransform<Parsed, string>> {
  return z.string().transform((value, context): Parsed => {
    try {
      return parse(value);
    } catch (error) {
      context.addIssue({
        code: "custom",
        message: error instanceof Error ? error.message : "is malformed",
      });
      return z.NEVER;
    }
  });
}

/** MODE: production unless a developer or a test says otherwise. */
export const modeSetting: z.ZodDefault<
  z.ZodEnum<{ development: "development"; production: "production" }>
> = z.enum(["development", "production"]).default("production");

const serviceEnv = z.object({
  MODE: modeSetting,
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: integer(1, 65535),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  CALLER_PUBLIC_KEYS: parsedSetting(parsePublicKeys),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  DATABASE_POOL_MAX: integer(1, 1000).default(10),
  DATABASE_CONNECT_TIMEOUT_S: integer(1, 300).default(5),
  DATABASE_STATEMENT_TIMEOUT_MS: integer(1, 3_600_000).default(5_000),
  DATABASE_IDLE_TIMEOUT_S: integer(0, 86_400).default(60),
  MIGRATIONS_DIR: z.string().optional(),
  SHUTDOWN_DELAY_MS: integer(0, 600_000).default(0),
  SHUTDOWN_GRACE_MS: integer(0, 600_000).default(10_000),
});

/**
 * Reads variables through a zod object schema. Empty strings count as unset, as they do in most
 * .env tooling. Throws ConfigError listing every bad variable by name and rule: never its value,
 * which may be a secret (a key, a URL with a password).
 */
export function parseEnv<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Record<string, string | undefined>,
): z.infer<z.ZodObject<Shape>> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const result = z.object(shape).safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join(".");
      const got = env[name];
      return `${name}: ${issue.message}${got === undefined || got === "" ? " (not set)" : ""}`;
    });
    throw new ConfigError(`invalid environment: ${problems.join("; ")}`);
  }
  return result.data;
}

/** Reads the settings shared by every service; `defaults.port` is the service's usual port. */
export function loadServiceConfig(
  env: Record<string, string | undefined>,
  defaults: { port: number },
): ServiceConfig {
  // The default goes in the schema, not the env: an empty PORT must fall back to it too.
  const shape = { ...serviceEnv.shape, PORT: serviceEnv.shape.PORT.default(defaults.port) };
  const vars = parseEnv(shape, env);
  if (vars.MODE === "production") {
    refuseTestKeys(vars.CALLER_PUBLIC_KEYS);
  }
  return {
    mode: vars.MODE,
    host: vars.HOST,
    port: vars.PORT,
    logLevel: vars.LOG_LEVEL,
    callerKeys: vars.CALLER_PUBLIC_KEYS,
    database: {
      url: vars.DATABASE_URL,
      poolMax: vars.DATABASE_POOL_MAX,
      connectTimeoutSeconds: vars.DATABASE_CONNECT_TIMEOUT_S,
      statementTimeoutMs: vars.DATABASE_STATEMENT_TIMEOUT_MS,
      idleTimeoutSeconds: vars.DATABASE_IDLE_TIMEOUT_S,
    },
    migrationsDir: vars.MIGRATIONS_DIR,
    shutdownDelayMs: vars.SHUTDOWN_DELAY_MS,
    shutdownGraceMs: vars.SHUTDOWN_GRACE_MS,
  };
}

/** Anyone can mint tokens with the repository's test keys: production must not trust them. */
function refuseTestKeys(keys: CallerPublicKey[]): void {
  if (keys.some(isTestCallerKey)) {
    throw new ConfigError(
      "invalid environment: CALLER_PUBLIC_KEYS: lists the repository's test key, which MODE=production refuses",
    );
  }
}
