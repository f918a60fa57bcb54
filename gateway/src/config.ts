import { join } from "node:path";
import {
  assetDir,
  type CallerSigningKey,
  type ClientImplementation,
  ConfigError,
  callerSigningKeySetting,
  grpcClientSetting,
  hostSetting,
  integerSetting,
  isTestCallerKey,
  type LogLevel,
  logLevelSetting,
  modeSetting,
  parsedSetting,
  parseEnv,
  publicKeyOf,
  withSecretFiles,
} from "@trellis/service-kit";
import { z } from "zod";

export interface GithubConfig {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** REST API root; the profile is `${apiUrl}/user`. */
  apiUrl: string;
}

export interface OidcConfig {
  /** Discovery runs against `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** One REST_SERVICES entry: a proto service's full name and the address serving it. */
export interface RestServiceEntry {
  /** "trellis.notes.v1.NotesService". */
  name: string;
  /** host:port, as IDENTITY_ADDRESS. */
  address: string;
}

export interface GatewayConfig {
  mode: "development" | "production";
  host: string;
  port: number;
  /** The public origin users reach, e.g. https://app.example.com; fixes redirect_uri and CSRF. */
  appOrigin: string;
  logLevel: LogLevel;
  /** Signs the caller token of every call to a service (CALLER_SIGNING_KEY). */
  callerKey: CallerSigningKey;
  /** Identity alone is named: the gateway's own sign-in and session code calls it. */
  identityAddress: string;
  /**
   * Services whose google.api.http RPCs the gateway serves by configuration (REST_SERVICES, in
   * the order given); every service is served this way, none is named in gateway code.
   */
  restServices: RestServiceEntry[];
  /** Binary FileDescriptorSet files read beside @trellis/contracts' (REST_DESCRIPTOR_SETS). */
  restDescriptorSets: string[];
  grpcTimeoutMs: number;
  /**
   * Calls in flight to one service (identity or a REST service) past which the gateway answers
   * 503 + Retry-After without calling it (UPSTREAM_MAX_IN_FLIGHT).
   */
  upstreamMaxInFlight: number;
  /** Whose gRPC client calls the services (GRPC_CLIENT): the kit's, or the fallback grpc-js. */
  grpcClient: ClientImplementation;
  oauthTimeoutMs: number;
  bodyLimitBytes: number;
  /** Origins (besides appOrigin) allowed to call the API with credentials; none by default. */
  corsOrigins: string[];
  /** Login attempts per client address (an IPv6 client's /64) per minute on /auth/*. */
  authRateLimitPerMinute: number;
  /** Requests per signed-in session per minute on /api/*. */
  apiRateLimitPerMinute: number;
  /** /readyz names each service and its state (else only ready or not). */
  readyzDetails: boolean;
  /** Take the client address from X-Forwarded-For (behind Traefik), not the socket. */
  trustProxy: boolean;
  /**
   * Validated sessions are reused this long without asking identity (0: never). It bounds how
   * long a session deleted elsewhere still works here (a second with sharedStateUrl); a logout
   * here is immediate.
   */
  sessionCacheTtlMs: number;
  sessionCacheMaxEntries: number;
  /**
   * Redis shared by the gateway replicas (SHARED_STATE_URL): session ends reach every replica
   * within a second and the auth rate limit counts across them. Null: each process on its own.
   */
  sharedStateUrl: string | null;
  providers: {
    github?: GithubConfig;
    google?: OidcConfig;
    dev?: OidcConfig;
  };
  web: {
    /** The built web app (`bun run build`); when it has no index.html the gateway is API only. */
    distDir: string;
    /** Development only: Vite's dev server, which the gateway fronts for hot reload. */
    devServer: string | null;
  };
}

const flag = z.enum(["true", "false"]).transform((value) => value === "true");
const origin = z.url({ protocol: /^https?$/ }).transform((value) => new URL(value).origin);
const originList = parsedSetting((value) =>
  value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      if (!URL.canParse(entry) || !/^https?:$/.test(new URL(entry).protocol)) {
        throw new Error("must be a comma-separated list of http(s) origins");
      }
      return new URL(entry).origin;
    }),
);
// What the kit's client connects to: a host name, an IPv4 address or a bracketed IPv6 one.
const grpcAddress = z
  .string()
  .regex(/^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/, "must be host:port, e.g. notes:50051");
const serviceName = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;
const listOf = (value: string): string[] =>
  value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
// `trellis.x.v1.XService=host:port,…`: one entry per service. Messages never quote the value.
const restServiceList = parsedSetting((value): RestServiceEntry[] => {
  const entries = listOf(value).map((entry, index): RestServiceEntry => {
    const [name = "", address = "", ...rest] = entry.split("=");
    if (!serviceName.test(name) || !entry.includes("=") || rest.length > 0) {
      throw new Error(
        `entry ${index + 1}: must be <full proto service name>=<host:port>, e.g. trellis.notes.v1.NotesService=notes:50051`,
      );
    }
    if (!grpcAddress.safeParse(address).success) {
      throw new Error(`entry ${index + 1}: the address must be host:port`);
    }
    return { name, address };
  });
  const names = entries.map((entry) => entry.name);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) {
    throw new Error(`entry ${names.lastIndexOf(twice) + 1}: names a service twice`);
  }
  return entries;
});
const pathList = parsedSetting(listOf);
// The URL may carry a password: the rule is stated, the value never.
const redisUrl = parsedSetting((value) => {
  if (!URL.canParse(value) || !/^rediss?:$/.test(new URL(value).protocol)) {
    throw new Error("must be a redis:// or rediss:// URL, e.g. redis://redis:6379");
  }
  return value;
});

/**
 * A safety bound, not a tuned one: well above what one gateway keeps in flight to a healthy
 * service (the bench's 64 connections never reach it), low enough that a stalled service costs
 * the gateway bounded memory. Operators set about twice the knee they measure (README, "Overload").
 */
const DEFAULT_UPSTREAM_MAX_IN_FLIGHT = 128;

// gateway/web/dist from source; web/ beside the binary when compiled (`bun run build`).
const defaultWebDistDir = assetDir("web", join(import.meta.dir, "../web/dist"));

const gatewayEnv = {
  MODE: modeSetting,
  HOST: hostSetting,
  PORT: integerSetting(1, 65535).default(3000),
  APP_ORIGIN: origin.default("http://localhost:3000"),
  ALLOW_HTTP_ORIGIN: flag.default(false),
  LOG_LEVEL: logLevelSetting,
  CALLER_SIGNING_KEY: callerSigningKeySetting,
  IDENTITY_ADDRESS: grpcAddress.default("127.0.0.1:50052"),
  REST_SERVICES: restServiceList.default([]),
  REST_DESCRIPTOR_SETS: pathList.default([]),
  GRPC_TIMEOUT_MS: integerSetting(1, 60_000).default(2_000),
  GRPC_CLIENT: grpcClientSetting,
  UPSTREAM_MAX_IN_FLIGHT: integerSetting(1, 100_000).default(DEFAULT_UPSTREAM_MAX_IN_FLIGHT),
  OAUTH_TIMEOUT_MS: integerSetting(1, 60_000).default(5_000),
  BODY_LIMIT_BYTES: integerSetting(1, 16 * 1024 * 1024).default(64 * 1024),
  CORS_ORIGINS: originList.default([]),
  AUTH_RATE_LIMIT_PER_MINUTE: integerSetting(1, 100_000).default(30),
  API_RATE_LIMIT_PER_MINUTE: integerSetting(1, 1_000_000).default(600),
  READYZ_DETAILS: flag.optional(),
  TRUST_PROXY: flag.default(false),
  SESSION_CACHE_TTL_MS: integerSetting(0, 60_000).default(5_000),
  SESSION_CACHE_MAX_ENTRIES: integerSetting(1, 1_000_000).default(10_000),
  SHARED_STATE_URL: redisUrl.optional(),
  GITHUB_CLIENT_ID: z.string().optional(),
  GITHUB_CLIENT_SECRET: z.string().optional(),
  GITHUB_AUTHORIZE_URL: z.url().default("https://github.com/login/oauth/authorize"),
  GITHUB_TOKEN_URL: z.url().default("https://github.com/login/oauth/access_token"),
  GITHUB_API_URL: z.url().default("https://api.github.com"),
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  GOOGLE_ISSUER: z.url().default("https://accounts.google.com"),
  DEV_OAUTH_ISSUER: z.url().optional(),
  DEV_OAUTH_CLIENT_ID: z.string().default("trellis-dev"),
  DEV_OAUTH_CLIENT_SECRET: z.string().default("trellis-dev-secret"),
  WEB_DIST_DIR: z.string().min(1).default(defaultWebDistDir),
  WEB_DEV_SERVER: origin.optional(),
};

/** Settings that may come from a file instead (NAME_FILE, e.g. a Docker secret). */
export const gatewaySecretSettings = [
  "CALLER_SIGNING_KEY",
  "GITHUB_CLIENT_SECRET",
  "GOOGLE_CLIENT_SECRET",
  "DEV_OAUTH_CLIENT_SECRET",
  // It may carry Redis's password.
  "SHARED_STATE_URL",
] as const;

/**
 * Reads the gateway's settings; a provider is enabled when its client id and secret are set.
 * Each of gatewaySecretSettings may be given as NAME_FILE, the path of a file holding the value.
 */
export function loadConfig(env: Record<string, string | undefined>): GatewayConfig {
  const vars = parseEnv(gatewayEnv, withSecretFiles(env, gatewaySecretSettings));
  if (vars.MODE === "production") {
    refuseInProduction(vars);
  }
  return {
    mode: vars.MODE,
    host: vars.HOST,
    port: vars.PORT,
    appOrigin: vars.APP_ORIGIN,
    logLevel: vars.LOG_LEVEL,
    callerKey: vars.CALLER_SIGNING_KEY,
    identityAddress: vars.IDENTITY_ADDRESS,
    restServices: vars.REST_SERVICES,
    restDescriptorSets: vars.REST_DESCRIPTOR_SETS,
    grpcTimeoutMs: vars.GRPC_TIMEOUT_MS,
    grpcClient: vars.GRPC_CLIENT,
    upstreamMaxInFlight: vars.UPSTREAM_MAX_IN_FLIGHT,
    oauthTimeoutMs: vars.OAUTH_TIMEOUT_MS,
    bodyLimitBytes: vars.BODY_LIMIT_BYTES,
    corsOrigins: vars.CORS_ORIGINS,
    authRateLimitPerMinute: vars.AUTH_RATE_LIMIT_PER_MINUTE,
    apiRateLimitPerMinute: vars.API_RATE_LIMIT_PER_MINUTE,
    readyzDetails: vars.READYZ_DETAILS ?? vars.MODE === "development",
    trustProxy: vars.TRUST_PROXY,
    sessionCacheTtlMs: vars.SESSION_CACHE_TTL_MS,
    sessionCacheMaxEntries: vars.SESSION_CACHE_MAX_ENTRIES,
    sharedStateUrl: vars.SHARED_STATE_URL ?? null,
    providers: providersOf(vars),
    web: { distDir: vars.WEB_DIST_DIR, devServer: vars.WEB_DEV_SERVER ?? null },
  };
}

type GatewayVars = ReturnType<typeof parseEnv<typeof gatewayEnv>>;

/** A provider is enabled when its client id and secret are set (the dev one: its issuer). */
function providersOf(vars: GatewayVars): GatewayConfig["providers"] {
  return {
    github:
      vars.GITHUB_CLIENT_ID && vars.GITHUB_CLIENT_SECRET
        ? {
            clientId: vars.GITHUB_CLIENT_ID,
            clientSecret: vars.GITHUB_CLIENT_SECRET,
            authorizeUrl: vars.GITHUB_AUTHORIZE_URL,
            tokenUrl: vars.GITHUB_TOKEN_URL,
            apiUrl: vars.GITHUB_API_URL.replace(/\/$/, ""),
          }
        : undefined,
    google:
      vars.GOOGLE_CLIENT_ID && vars.GOOGLE_CLIENT_SECRET
        ? {
            issuer: vars.GOOGLE_ISSUER,
            clientId: vars.GOOGLE_CLIENT_ID,
            clientSecret: vars.GOOGLE_CLIENT_SECRET,
          }
        : undefined,
    dev:
      vars.DEV_OAUTH_ISSUER === undefined
        ? undefined
        : {
            issuer: vars.DEV_OAUTH_ISSUER,
            clientId: vars.DEV_OAUTH_CLIENT_ID,
            clientSecret: vars.DEV_OAUTH_CLIENT_SECRET,
          },
  };
}

/** What production refuses: development helpers, plain http, keys anyone can read. */
function refuseInProduction(vars: GatewayVars): void {
  const refused = (name: string, rule: string): never => {
    throw new ConfigError(`invalid environment: ${name}: ${rule}`);
  };
  if (vars.DEV_OAUTH_ISSUER !== undefined) {
    refused("DEV_OAUTH_ISSUER", "the dev login provider is refused in production");
  }
  if (vars.WEB_DEV_SERVER !== undefined) {
    refused("WEB_DEV_SERVER", "the Vite dev server is for development only");
  }
  if (vars.APP_ORIGIN.startsWith("http:") && !vars.ALLOW_HTTP_ORIGIN) {
    refused(
      "APP_ORIGIN",
      "must be https in production (cookies without Secure travel in the clear); set ALLOW_HTTP_ORIGIN=true for a stack on loopback",
    );
  }
  if (isTestCallerKey(publicKeyOf(vars.CALLER_SIGNING_KEY))) {
    refused("CALLER_SIGNING_KEY", "is the repository's test key, which production refuses");
  }
}

/** What an operator should hear at startup: a configuration that works but is likely a mistake. */
export function configWarnings(config: GatewayConfig): string[] {
  const warnings: string[] = [];
  if (Object.values(config.providers).every((provider) => provider === undefined)) {
    warnings.push(
      "no sign-in provider is configured: nobody can sign in (set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET, or GOOGLE_*)",
    );
  }
  return warnings;
}

/** Cookies get `Secure` and the `__Host-` prefix unless the app is served over plain http. */
export function isSecureOrigin(config: Pick<GatewayConfig, "appOrigin">): boolean {
  return config.appOrigin.startsWith("https:");
}
