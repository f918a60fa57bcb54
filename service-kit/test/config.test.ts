import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testCallerKeys } from "@trellis/testing";
import { z } from "zod";
import { generateCallerKeys, parsePublicKeys } from "../src/caller/caller-keys.ts";
import { ConfigError, parseEnv } from "../src/config/env.ts";
import { loadServiceConfig, type ServiceConfig } from "../src/config/service-config.ts";

const DATABASE_URL = "postgres://notes@db.internal:5432/notes";
const CALLER_PUBLIC_KEYS = generateCallerKeys("k1").publicKey;
const callerKeys = parsePublicKeys(CALLER_PUBLIC_KEYS);
const required = { DATABASE_URL, CALLER_PUBLIC_KEYS };
const defaults = { port: 50051 };

describe("loadServiceConfig", () => {
  test("applies the defaults when only the required variables are set", () => {
    const want: ServiceConfig = {
      mode: "production",
      host: "127.0.0.1",
      port: 50051,
      logLevel: "info",
      callerKeys,
      database: {
        url: DATABASE_URL,
        poolMax: 10,
        connectTimeoutSeconds: 5,
        statementTimeoutMs: 5_000,
        idleTimeoutSeconds: 60,
        maxLifetimeSeconds: 1_800,
      },
      migrationsDir: undefined,
      shutdownDelayMs: 0,
      shutdownGraceMs: 10_000,
      maxConnectionAgeMs: 300_000,
      maxConnectionAgeGraceMs: 30_000,
      maxConnections: 1_000,
    };
    expect(loadServiceConfig(required, defaults)).toEqual(want);
  });

  test("reads every variable it is given", () => {
    const env = {
      MODE: "development",
      HOST: "0.0.0.0",
      PORT: "6000",
      LOG_LEVEL: "debug",
      CALLER_PUBLIC_KEYS: testCallerKeys.publicKeys,
      DATABASE_URL: "postgresql://other@127.0.0.1/x",
      DATABASE_POOL_MAX: "3",
      DATABASE_CONNECT_TIMEOUT_S: "2",
      DATABASE_STATEMENT_TIMEOUT_MS: "250",
      DATABASE_IDLE_TIMEOUT_S: "0",
      DATABASE_MAX_LIFETIME_S: "0",
      MIGRATIONS_DIR: "/app/migrations",
      SHUTDOWN_DELAY_MS: "1500",
      SHUTDOWN_GRACE_MS: "30000",
      GRPC_MAX_CONNECTION_AGE_MS: "0",
      GRPC_MAX_CONNECTION_AGE_GRACE_MS: "5000",
      GRPC_MAX_CONNECTIONS: "50",
    };
    const want: ServiceConfig = {
      mode: "development",
      host: "0.0.0.0",
      port: 6000,
      logLevel: "debug",
      callerKeys: parsePublicKeys(testCallerKeys.publicKeys),
      database: {
        url: "postgresql://other@127.0.0.1/x",
        poolMax: 3,
        connectTimeoutSeconds: 2,
        statementTimeoutMs: 250,
        idleTimeoutSeconds: 0,
        maxLifetimeSeconds: 0,
      },
      migrationsDir: "/app/migrations",
      shutdownDelayMs: 1500,
      shutdownGraceMs: 30_000,
      maxConnectionAgeMs: 0,
      maxConnectionAgeGraceMs: 5_000,
      maxConnections: 50,
    };
    expect(loadServiceConfig(env, defaults)).toEqual(want);
  });

  const invalid = [
    { name: "a PORT that is not a number", env: { ...required, PORT: "http" }, names: "PORT" },
    { name: "a PORT of 0", env: { ...required, PORT: "0" }, names: "PORT" },
    { name: "a PORT above 65535", env: { ...required, PORT: "70000" }, names: "PORT" },
    { name: "a fractional PORT", env: { ...required, PORT: "80.5" }, names: "PORT" },
    { name: "a missing DATABASE_URL", env: { CALLER_PUBLIC_KEYS }, names: "DATABASE_URL" },
    { name: "a missing CALLER_PUBLIC_KEYS", env: { DATABASE_URL }, names: "CALLER_PUBLIC_KEYS" },
    {
      name: "a malformed CALLER_PUBLIC_KEYS",
      env: { DATABASE_URL, CALLER_PUBLIC_KEYS: "short" },
      names: "CALLER_PUBLIC_KEYS",
    },
    {
      name: "the repository's test key in production",
      env: { DATABASE_URL, CALLER_PUBLIC_KEYS: testCallerKeys.publicKeys },
      names: "CALLER_PUBLIC_KEYS",
    },
    {
      name: "the test key beside a real one in production",
      env: {
        DATABASE_URL,
        CALLER_PUBLIC_KEYS: `${CALLER_PUBLIC_KEYS},${testCallerKeys.publicKeys}`,
      },
      names: "CALLER_PUBLIC_KEYS",
    },
    {
      name: "a DATABASE_URL that is not a URL",
      env: { CALLER_PUBLIC_KEYS, DATABASE_URL: "notes" },
      names: "DATABASE_URL",
    },
    {
      name: "a DATABASE_URL with another scheme",
      env: { CALLER_PUBLIC_KEYS, DATABASE_URL: "mysql://db.internal/notes" },
      names: "DATABASE_URL",
    },
    { name: "an unknown MODE", env: { ...required, MODE: "staging" }, names: "MODE" },
    { name: "an unknown LOG_LEVEL", env: { ...required, LOG_LEVEL: "loud" }, names: "LOG_LEVEL" },
    {
      name: "a DATABASE_POOL_MAX of 0",
      env: { ...required, DATABASE_POOL_MAX: "0" },
      names: "DATABASE_POOL_MAX",
    },
  ];
  test.each(invalid)("refuses $name, naming the variable", ({ env, names }) => {
    const load = (): ServiceConfig => loadServiceConfig(env, defaults);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(`${names}: `);
  });

  const empty = [
    {
      name: "PORT",
      env: { ...required, PORT: "" },
      read: (c: ServiceConfig) => c.port,
      want: 50051,
    },
    {
      name: "HOST",
      env: { ...required, HOST: "" },
      read: (c: ServiceConfig) => c.host,
      want: "127.0.0.1",
    },
    {
      name: "LOG_LEVEL",
      env: { ...required, LOG_LEVEL: "" },
      read: (c: ServiceConfig) => c.logLevel,
      want: "info",
    },
    {
      name: "DATABASE_POOL_MAX",
      env: { ...required, DATABASE_POOL_MAX: "" },
      read: (c: ServiceConfig) => c.database.poolMax,
      want: 10,
    },
    {
      name: "MIGRATIONS_DIR",
      env: { ...required, MIGRATIONS_DIR: "" },
      read: (c: ServiceConfig) => c.migrationsDir,
      want: undefined,
    },
  ];
  test.each(empty)("treats an empty $name as unset", ({ env, read, want }) => {
    expect(read(loadServiceConfig(env, defaults))).toEqual(want);
  });

  // A refused value may be a secret: a message names the variable and the rule, never the value.
  const secrets = [
    {
      name: "a DATABASE_URL with a password",
      env: { CALLER_PUBLIC_KEYS, DATABASE_URL: "mysql://admin:hunter2-s3cret@db/notes" },
      secret: "hunter2-s3cret",
    },
    {
      name: "a malformed CALLER_PUBLIC_KEYS",
      env: { DATABASE_URL, CALLER_PUBLIC_KEYS: "k1:not-a-key-hunter2" },
      secret: "hunter2",
    },
    {
      name: "a PORT",
      env: { ...required, PORT: "hunter2" },
      secret: "hunter2",
    },
  ];
  test.each(secrets)("never quotes the value of $name it refuses", ({ env, secret }) => {
    let message = "";
    try {
      loadServiceConfig(env, defaults);
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toStartWith("invalid environment: ");
    expect(message).not.toContain(secret);
  });

  // Docker secrets: compose mounts files; the kit reads DATABASE_URL_FILE and the like.
  const secretFiles = [
    { name: "DATABASE_URL", want: { database: { url: DATABASE_URL } } },
    { name: "CALLER_PUBLIC_KEYS", want: { callerKeys } },
  ];
  test.each(secretFiles)("reads $name from NAME_FILE", ({ name, want }) => {
    const path = join(mkdtempSync(join(tmpdir(), "kit-config-")), name);
    writeFileSync(path, `${required[name as keyof typeof required]}\n`);
    const env = { ...required, [name]: undefined, [`${name}_FILE`]: path };
    expect(loadServiceConfig(env, defaults)).toMatchObject(want);
    rmSync(path);
  });

  test("treats an empty DATABASE_URL as missing", () => {
    const load = (): ServiceConfig => loadServiceConfig({ DATABASE_URL: "" }, defaults);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow("DATABASE_URL: ");
  });
});

describe("parseEnv", () => {
  const shape = { NAME: z.string().min(1), RETRIES: z.coerce.number().int().default(3) };

  test("returns the parsed variables with defaults", () => {
    expect(parseEnv(shape, { NAME: "notes", OTHER: "ignored" })).toEqual({
      NAME: "notes",
      RETRIES: 3,
    });
  });

  test("lists every bad variable in one ConfigError", () => {
    const parse = (): unknown => parseEnv(shape, { NAME: "", RETRIES: "many" });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/NAME: .*\(not set\); RETRIES: /);
    expect(parse).not.toThrow("many");
  });
});
