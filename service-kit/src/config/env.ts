import { z } from "zod";
import {
  type CallerPublicKey,
  type CallerSigningKey,
  parsePublicKeys,
  parseSigningKey,
} from "../caller/caller-keys.ts";
import type { LogLevel } from "../log.ts";

// Reading a process's environment: one error type and the settings both the services and the
// gateway read, so that each variable means the same in every process.

/** Thrown at startup when a variable is missing or malformed; its message names the variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

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

/** A whole number from `min` to `max`, e.g. a port or a timeout in ms. */
export function integerSetting(min: number, max: number): z.ZodCoercedNumber<unknown> {
  return z.coerce.number().int().min(min).max(max);
}

/** MODE: production unless a developer or a test says otherwise. */
export const modeSetting: z.ZodDefault<
  z.ZodEnum<{ development: "development"; production: "production" }>
> = z.enum(["development", "production"]).default("production");

/** HOST, the address to bind: loopback unless a container says 0.0.0.0. */
export const hostSetting: z.ZodDefault<z.ZodString> = z.string().min(1).default("127.0.0.1");

/** LOG_LEVEL: info unless told otherwise. */
export const logLevelSetting: z.ZodDefault<z.ZodEnum<{ [Level in LogLevel]: Level }>> = z
  .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
  .default("info");

/** CALLER_SIGNING_KEY, the gateway's: `<kid>:<base64url pkcs8>`. */
export const callerSigningKeySetting: z.ZodPipe<
  z.ZodString,
  z.ZodTransform<CallerSigningKey, string>
> = parsedSetting(parseSigningKey);

/** CALLER_PUBLIC_KEYS, the services': `<kid>:<base64url>`, comma-separated. */
export const callerPublicKeysSetting: z.ZodPipe<
  z.ZodString,
  z.ZodTransform<CallerPublicKey[], string>
> = parsedSetting(parsePublicKeys);

/**
 * GRPC_CLIENT: whose gRPC client carries createClient's calls, the kit's (default) or grpc-js's,
 * a fallback should the kit's misbehave against some server.
 */
export const grpcClientSetting: z.ZodDefault<z.ZodEnum<{ kit: "kit"; "grpc-js": "grpc-js" }>> = z
  .enum(["kit", "grpc-js"])
  .default("kit");
