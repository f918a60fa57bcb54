import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, generateCallerKeys } from "@trellis/service-kit";
import { testCallerKeys } from "@trellis/testing";
import { configWarnings, type GatewayConfig, loadConfig, type RestServiceEntry } from "./config.ts";

const base = { CALLER_SIGNING_KEY: generateCallerKeys("k1").signingKey, ALLOW_HTTP_ORIGIN: "true" };

test("defaults to production on localhost:3000 with no provider enabled", () => {
  const config = loadConfig(base);
  expect(config).toMatchObject({
    mode: "production",
    appOrigin: "http://localhost:3000",
    grpcTimeoutMs: 2_000,
    upstreamMaxInFlight: 128,
    grpcClient: "kit",
    bodyLimitBytes: 65_536,
    corsOrigins: [],
    providers: {},
  });
});

test("enables a provider only when both its client id and secret are set", () => {
  const config = loadConfig({
    ...base,
    GITHUB_CLIENT_ID: "id",
    GITHUB_CLIENT_SECRET: "secret",
    GOOGLE_CLIENT_ID: "only-an-id",
  });
  expect(config.providers.github?.clientId).toBe("id");
  expect(config.providers.google).toBeUndefined();
});

test("refuses the dev login provider in production", () => {
  const load = () => loadConfig({ ...base, DEV_OAUTH_ISSUER: "http://127.0.0.1:4010/dev" });
  expect(load).toThrow(ConfigError);
  expect(load).toThrow("DEV_OAUTH_ISSUER");
});

test("accepts the dev login provider in development", () => {
  const config = loadConfig({
    ...base,
    MODE: "development",
    DEV_OAUTH_ISSUER: "http://127.0.0.1:4010/dev",
  });
  expect(config.providers.dev).toEqual({
    issuer: "http://127.0.0.1:4010/dev",
    clientId: "trellis-dev",
    clientSecret: "trellis-dev-secret",
  });
});

test("serves the web app from gateway/web/dist unless WEB_DIST_DIR says otherwise", () => {
  expect(loadConfig(base).web).toEqual({
    distDir: join(import.meta.dir, "../web/dist"),
    devServer: null,
  });
  expect(loadConfig({ ...base, WEB_DIST_DIR: "/srv/web" }).web.distDir).toBe("/srv/web");
});

test("fronts Vite's dev server in development only", () => {
  const env = { ...base, WEB_DEV_SERVER: "http://127.0.0.1:5173/" };
  expect(loadConfig({ ...env, MODE: "development" }).web.devServer).toBe("http://127.0.0.1:5173");
  expect(() => loadConfig(env)).toThrow("WEB_DEV_SERVER");
});

const invalid = [
  { name: "a missing CALLER_SIGNING_KEY", env: {}, names: "CALLER_SIGNING_KEY" },
  {
    name: "a malformed CALLER_SIGNING_KEY",
    env: { CALLER_SIGNING_KEY: "short" },
    names: "CALLER_SIGNING_KEY",
  },
  {
    name: "a services' public key given as the signing key",
    env: { ...base, CALLER_SIGNING_KEY: testCallerKeys.publicKeys },
    names: "CALLER_SIGNING_KEY",
  },
  {
    name: "the repository's test key in production",
    env: { ...base, CALLER_SIGNING_KEY: testCallerKeys.signingKey },
    names: "CALLER_SIGNING_KEY: is the repository's test key",
  },
  {
    name: "an http APP_ORIGIN in production without ALLOW_HTTP_ORIGIN",
    env: { ...base, ALLOW_HTTP_ORIGIN: "", APP_ORIGIN: "http://app.example.com" },
    names: "APP_ORIGIN: must be https in production",
  },
  {
    name: "a malformed CORS_ORIGINS",
    env: { ...base, CORS_ORIGINS: "https://ok.example.com, not an origin" },
    names: "CORS_ORIGINS: must be a comma-separated list of http(s) origins",
  },
  {
    name: "a CORS_ORIGINS entry that is not http(s)",
    env: { ...base, CORS_ORIGINS: "ftp://files.example.com" },
    names: "CORS_ORIGINS",
  },
  {
    name: "an APP_ORIGIN that is not http(s)",
    env: { ...base, APP_ORIGIN: "ftp://x" },
    names: "APP_ORIGIN",
  },
  { name: "an unknown MODE", env: { ...base, MODE: "staging" }, names: "MODE" },
  {
    name: "a grpc-js target URI as IDENTITY_ADDRESS (the client takes host:port)",
    env: { ...base, IDENTITY_ADDRESS: "dns:///identity:50052" },
    names: "IDENTITY_ADDRESS",
  },
  {
    name: "an IDENTITY_ADDRESS with no port",
    env: { ...base, IDENTITY_ADDRESS: "identity" },
    names: "IDENTITY_ADDRESS",
  },
  {
    name: "a zero GRPC_TIMEOUT_MS",
    env: { ...base, GRPC_TIMEOUT_MS: "0" },
    names: "GRPC_TIMEOUT_MS",
  },
  {
    name: "a zero UPSTREAM_MAX_IN_FLIGHT",
    env: { ...base, UPSTREAM_MAX_IN_FLIGHT: "0" },
    names: "UPSTREAM_MAX_IN_FLIGHT",
  },
  {
    name: "a GRPC_CLIENT that is neither kit nor grpc-js",
    env: { ...base, GRPC_CLIENT: "grpc-go" },
    names: "GRPC_CLIENT",
  },
];

test.each(["kit", "grpc-js"] as const)("takes GRPC_CLIENT=%s", (grpcClient) => {
  expect(loadConfig({ ...base, GRPC_CLIENT: grpcClient }).grpcClient).toBe(grpcClient);
});

test.each(["notes:50051", "127.0.0.1:50051", "[::1]:50051", "notes.internal.example:443"])(
  "takes %s as a service address",
  (address) => {
    expect(loadConfig({ ...base, IDENTITY_ADDRESS: address }).identityAddress).toBe(address);
  },
);

test.each(invalid)("names the variable for $name", ({ env, names }) => {
  expect(() => loadConfig(env)).toThrow(names);
});

test("takes an https APP_ORIGIN in production, and any origin in development", () => {
  const { ALLOW_HTTP_ORIGIN: _, ...strict } = base;
  expect(loadConfig({ ...strict, APP_ORIGIN: "https://app.example.com" }).appOrigin).toBe(
    "https://app.example.com",
  );
  const dev = { ...strict, MODE: "development", APP_ORIGIN: "http://127.0.0.1:3000" };
  expect(loadConfig(dev).appOrigin).toBe("http://127.0.0.1:3000");
  expect(loadConfig({ ...dev, CALLER_SIGNING_KEY: testCallerKeys.signingKey }).mode).toBe(
    "development",
  );
});

test("reads CORS_ORIGINS as a list of origins", () => {
  const env = { ...base, CORS_ORIGINS: " https://a.example.com/x , http://b.example.com:8080 ," };
  expect(loadConfig(env).corsOrigins).toEqual([
    "https://a.example.com",
    "http://b.example.com:8080",
  ]);
});

test("reads REST_SERVICES as name=address entries and REST_DESCRIPTOR_SETS as paths", () => {
  expect(loadConfig(base)).toMatchObject({ restServices: [], restDescriptorSets: [] });
  const env = {
    ...base,
    REST_SERVICES: " trellis.a.v1.AService=a:50060 , trellis.b.v1.BService=[::1]:50061,",
    REST_DESCRIPTOR_SETS: "/etc/a.binpb, /etc/b.binpb",
  };
  expect(loadConfig(env)).toMatchObject({
    restServices: [
      { name: "trellis.a.v1.AService", address: "a:50060" },
      { name: "trellis.b.v1.BService", address: "[::1]:50061" },
    ],
    restDescriptorSets: ["/etc/a.binpb", "/etc/b.binpb"],
  });
});

test.each([
  {
    value: "trellis.a.v1.AService",
    rule: "entry 1: must be <full proto service name>=<host:port>",
  },
  { value: "x.A=a:1,AService=a:2", rule: "entry 2: must be <full proto service name>=<host:port>" },
  { value: "x.A=a:1=b", rule: "entry 1: must be" },
  { value: "x.A=not an address", rule: "entry 1: the address must be host:port" },
  { value: "x.A=a:1,x.A=b:2", rule: "entry 2: names a service twice" },
])("refuses REST_SERVICES=$value: $rule", ({ value, rule }) => {
  expect(() => loadConfig({ ...base, REST_SERVICES: value })).toThrow(`REST_SERVICES: ${rule}`);
});

// A refused value may be a secret: the message names the variable and the rule, never the value.
test.each([
  { name: "CALLER_SIGNING_KEY", env: { ...base, CALLER_SIGNING_KEY: "k1:hunter2-not-a-key" } },
  { name: "GITHUB_TOKEN_URL", env: { ...base, GITHUB_TOKEN_URL: "hunter2-not-a-url" } },
  { name: "CORS_ORIGINS", env: { ...base, CORS_ORIGINS: "hunter2 not an origin" } },
  { name: "REST_SERVICES", env: { ...base, REST_SERVICES: "x.hunter2=hunter2" } },
])("a refused $name is named, never quoted", ({ name, env }) => {
  let message = "";
  try {
    loadConfig(env);
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
  }
  expect(message).toContain(`${name}: `);
  expect(message).not.toContain("hunter2");
});

test("warns when no sign-in provider is configured, and only then", () => {
  expect(configWarnings(loadConfig(base))).toEqual([
    expect.stringContaining("no sign-in provider is configured"),
  ]);
  const github = { ...base, GITHUB_CLIENT_ID: "id", GITHUB_CLIENT_SECRET: "secret" };
  expect(configWarnings(loadConfig(github))).toEqual([]);
});

// No service is special: notes, like any other, is served only when REST_SERVICES names it, and
// NOTES_ADDRESS (its old, notes-only setting) is not read any more.
const served: { name: string; env: Record<string, string>; want: RestServiceEntry[] }[] = [
  { name: "nothing when REST_SERVICES is unset", env: {}, want: [] },
  { name: "nothing when REST_SERVICES is empty", env: { REST_SERVICES: "" }, want: [] },
  {
    name: "nothing from a leftover NOTES_ADDRESS",
    env: { NOTES_ADDRESS: "notes:50051" },
    want: [],
  },
  {
    name: "notes when REST_SERVICES names it, in the order given",
    env: { REST_SERVICES: "a.v1.A=a:1,trellis.notes.v1.NotesService=notes:50051" },
    want: [
      { name: "a.v1.A", address: "a:1" },
      { name: "trellis.notes.v1.NotesService", address: "notes:50051" },
    ],
  },
];

test.each(served)("serves $name", ({ env, want }) => {
  expect(loadConfig({ ...base, ...env }).restServices).toEqual(want);
});

// Docker secrets: each secret setting may come from a file (NAME_FILE), as compose mounts them.
const secretDir = mkdtempSync(join(tmpdir(), "gateway-secrets-"));
afterAll(() => rmSync(secretDir, { recursive: true, force: true }));
const secretFile = (name: string, content: string): string => {
  const path = join(secretDir, name);
  writeFileSync(path, `${content}\n`);
  return path;
};
const fileSigningKey = generateCallerKeys("file").signingKey;

const fromFiles = [
  {
    name: "CALLER_SIGNING_KEY",
    env: { CALLER_SIGNING_KEY: "", CALLER_SIGNING_KEY_FILE: secretFile("key", fileSigningKey) },
    read: (config: GatewayConfig) => config.callerKey.kid,
    want: "file",
  },
  {
    name: "GITHUB_CLIENT_SECRET",
    env: { GITHUB_CLIENT_ID: "id", GITHUB_CLIENT_SECRET_FILE: secretFile("gh", "gh-secret") },
    read: (config: GatewayConfig) => config.providers.github?.clientSecret,
    want: "gh-secret",
  },
  {
    name: "GOOGLE_CLIENT_SECRET",
    env: { GOOGLE_CLIENT_ID: "id", GOOGLE_CLIENT_SECRET_FILE: secretFile("gg", "gg-secret") },
    read: (config: GatewayConfig) => config.providers.google?.clientSecret,
    want: "gg-secret",
  },
  {
    name: "DEV_OAUTH_CLIENT_SECRET",
    env: {
      MODE: "development",
      DEV_OAUTH_ISSUER: "http://127.0.0.1:4010/dev",
      DEV_OAUTH_CLIENT_SECRET_FILE: secretFile("dev", "dev-secret"),
    },
    read: (config: GatewayConfig) => config.providers.dev?.clientSecret,
    want: "dev-secret",
  },
];

test.each(fromFiles)("reads $name from NAME_FILE", ({ env, read, want }) => {
  expect(read(loadConfig({ ...base, ...env }))).toBe(want);
});

test("refuses a secret set both ways, naming both variables and not the value", () => {
  const env = { ...base, GITHUB_CLIENT_SECRET: "plain-secret" };
  const load = () => loadConfig({ ...env, GITHUB_CLIENT_SECRET_FILE: secretFile("both", "x") });
  expect(load).toThrow(ConfigError);
  expect(load).toThrow("GITHUB_CLIENT_SECRET and GITHUB_CLIENT_SECRET_FILE are both set");
  let message = "";
  try {
    load();
  } catch (error) {
    message = String(error);
  }
  expect(message).not.toContain("plain-secret");
});

test.each([
  { name: "unset: each process on its own", value: undefined, want: null },
  { name: "a redis URL", value: "redis://127.0.0.1:6379", want: "redis://127.0.0.1:6379" },
  {
    name: "a TLS redis URL",
    value: "rediss://r.example:6380/1",
    want: "rediss://r.example:6380/1",
  },
])("SHARED_STATE_URL $name", ({ value, want }) => {
  expect(loadConfig({ ...base, SHARED_STATE_URL: value }).sharedStateUrl).toBe(want);
});

test.each(["http://127.0.0.1:6379", "127.0.0.1:6379", "redis//x"])(
  "refuses SHARED_STATE_URL %p, naming the variable and not the value",
  (value) => {
    const load = () => loadConfig({ ...base, SHARED_STATE_URL: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow("SHARED_STATE_URL: must be a redis:// or rediss:// URL");
    expect(() => load()).not.toThrow(value);
  },
);

test("SHARED_STATE_URL may come from a file, as a URL with a password should", () => {
  const dir = mkdtempSync(join(tmpdir(), "gateway-shared-state-"));
  const file = join(dir, "shared-state-url");
  writeFileSync(file, "redis://:pw@redis:6379\n");
  try {
    expect(loadConfig({ ...base, SHARED_STATE_URL_FILE: file }).sharedStateUrl).toBe(
      "redis://:pw@redis:6379",
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});
