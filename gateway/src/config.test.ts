import { expect, test } from "bun:test";
import { join } from "node:path";
import { ConfigError } from "@trellis/service-kit";
import { loadConfig } from "./config.ts";

const base = { CALLER_SECRET: "s".repeat(32) };

test("defaults to production on localhost:3000 with no provider enabled", () => {
  const config = loadConfig(base);
  expect(config).toMatchObject({
    mode: "production",
    appOrigin: "http://localhost:3000",
    grpcTimeoutMs: 2_000,
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
  { name: "a short CALLER_SECRET", env: { CALLER_SECRET: "short" }, names: "CALLER_SECRET" },
  {
    name: "an APP_ORIGIN that is not http(s)",
    env: { ...base, APP_ORIGIN: "ftp://x" },
    names: "APP_ORIGIN",
  },
  { name: "an unknown MODE", env: { ...base, MODE: "staging" }, names: "MODE" },
  {
    name: "a grpc-js target URI as NOTES_ADDRESS (the client takes host:port)",
    env: { ...base, NOTES_ADDRESS: "dns:///notes:50051" },
    names: "NOTES_ADDRESS",
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
];

test.each(["notes:50051", "127.0.0.1:50051", "[::1]:50051", "notes.internal.example:443"])(
  "takes %s as a service address",
  (address) => {
    expect(loadConfig({ ...base, NOTES_ADDRESS: address }).notesAddress).toBe(address);
  },
);

test.each(invalid)("names the variable for $name", ({ env, names }) => {
  expect(() => loadConfig(env)).toThrow(names);
});
