import { z } from "zod";
import { type CallerPublicKey, isTestCallerKey } from "../caller/caller-keys.ts";
import type { LogLevel } from "../log.ts";
import { MAX_CONNECTIONS } from "../server/server-bounds.ts";
import {
  ConfigError,
  callerPublicKeysSetting,
  hostSetting,
  integerSetting,
  logLevelSetting,
  modeSetting,
  parseEnv,
} from "./env.ts";
import { withSecretFiles } from "./secret-files.ts";

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
  /** Connections older than this are sent GOAWAY (clients reconnect, and re-resolve); 0: never. */
  maxConnectionAgeMs?: number;
  /** How long the calls of such a connection may still run before it closes. */
  maxConnectionAgeGraceMs?: number;
  /** Open gRPC connections at most; past it a new one is closed before any call. */
  maxConnections?: number;
}

export interface DatabaseConfig {
  url: string;
  /** Connections in the pool; callers beyond it wait, bounded by their call's deadline. */
  poolMax: number;
  connectTimeoutSeconds: number;
  /** Postgres cancels any statement running longer than this. */
  statementTimeoutMs: number;
  idleTimeoutSeconds: number;
  /** Connections older than this close once free, and the pool opens new ones; 0 or absent: never. */
  maxLifetimeSeconds?: number;
}

const serviceEnv = z.object({
  MODE: modeSetting,
  HOST: hostSetting,
  PORT: integerSetting(1, 65535),
  LOG_LEVEL: logLevelSetting,
  CALLER_PUBLIC_KEYS: callerPublicKeysSetting,
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  DATABASE_POOL_MAX: integerSetting(1, 1000).default(10),
  DATABASE_CONNECT_TIMEOUT_S: integerSetting(1, 300).default(5),
  DATABASE_STATEMENT_TIMEOUT_MS: integerSetting(1, 3_600_000).default(5_000),
  DATABASE_IDLE_TIMEOUT_S: integerSetting(0, 86_400).default(60),
  DATABASE_MAX_LIFETIME_S: integerSetting(0, 604_800).default(1_800),
  MIGRATIONS_DIR: z.string().optional(),
  SHUTDOWN_DELAY_MS: integerSetting(0, 600_000).default(0),
  SHUTDOWN_GRACE_MS: integerSetting(0, 600_000).default(10_000),
  GRPC_MAX_CONNECTION_AGE_MS: integerSetting(0, 86_400_000).default(300_000),
  GRPC_MAX_CONNECTION_AGE_GRACE_MS: integerSetting(0, 600_000).default(30_000),
  GRPC_MAX_CONNECTIONS: integerSetting(1, 1_000_000).default(MAX_CONNECTIONS),
});

/** Settings that may come from a file instead (NAME_FILE, e.g. a Docker secret). */
export const serviceSecretSettings = ["DATABASE_URL", "CALLER_PUBLIC_KEYS"] as const;

/**
 * Reads the settings shared by every service; `defaults.port` is the service's usual port. Each
 * of serviceSecretSettings may be given as NAME_FILE, the path of a file holding the value.
 */
export function loadServiceConfig(
  env: Record<string, string | undefined>,
  defaults: { port: number },
): ServiceConfig {
  // The default goes in the schema, not the env: an empty PORT must fall back to it too.
  const shape = { ...serviceEnv.shape, PORT: serviceEnv.shape.PORT.default(defaults.port) };
  const vars = parseEnv(shape, withSecretFiles(env, serviceSecretSettings));
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
      maxLifetimeSeconds: vars.DATABASE_MAX_LIFETIME_S,
    },
    migrationsDir: vars.MIGRATIONS_DIR,
    shutdownDelayMs: vars.SHUTDOWN_DELAY_MS,
    shutdownGraceMs: vars.SHUTDOWN_GRACE_MS,
    maxConnectionAgeMs: vars.GRPC_MAX_CONNECTION_AGE_MS,
    maxConnectionAgeGraceMs: vars.GRPC_MAX_CONNECTION_AGE_GRACE_MS,
    maxConnections: vars.GRPC_MAX_CONNECTIONS,
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
