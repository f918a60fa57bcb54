import { createLogger, type Logger } from "@trellis/service-kit";
import type { ProviderFaults } from "../../fake-provider/faults.ts";
import { serveFakeProvider } from "../../fake-provider/serve.ts";
import { approveSignIn } from "../../fake-provider/sign-in.ts";
import { createProviders } from "../auth/configured-providers.ts";
import type { OidcProviderName } from "../auth/provider-names.ts";
import { type GatewayConfig, loadConfig } from "../config.ts";
import { fakeIdentity } from "./fake-clients.ts";
import { APP_ORIGIN, TEST_SIGNING_KEY, testApp } from "./test-app.ts";

const CLIENT_ID = "trellis-test";
const CLIENT_SECRET = "trellis-test-secret";
const PAGE_LOAD = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };

/** One parsed line of the gateway's JSON log. */
export type LogLine = Record<string, unknown> & { level: string; message: string };

export interface ProviderTestApp {
  identity: ReturnType<typeof fakeIdentity>;
  /** Everything the gateway logged, in order. */
  logs: LogLine[];
  /** A browser opening /auth/<provider>/login. */
  startLogin(provider: OidcProviderName): Promise<Response>;
  /** A browser's whole sign-in: login, "Sign in" on the fake's page, then the callback. */
  signIn(provider: OidcProviderName): Promise<Response>;
  /** Stops the fake provider; the gateway then finds its issuers unreachable. */
  stop(): Promise<void>;
}

/**
 * The gateway in-process with its real Google and dev providers (config -> createProviders,
 * oauth4webapi) against the fake provider on 127.0.0.1, misbehaving as `faults` say. Identity is
 * a fake that records calls; the log is kept. `issuerSuffix` is appended to both issuer settings.
 */
export function providerTestApp(
  options: { faults?: ProviderFaults; issuerSuffix?: string } = {},
): ProviderTestApp {
  const fake = serveFakeProvider({
    port: 0,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    faults: options.faults,
  });
  const config = providerConfig(fake.issuerBase, options.issuerSuffix ?? "");
  const identity = fakeIdentity();
  const { log, logs } = recordingLog();
  const { request } = testApp({ config, providers: createProviders(config), identity, log });
  const startLogin = (provider: OidcProviderName) =>
    request(`/auth/${provider}/login`, { headers: PAGE_LOAD });

  return {
    identity,
    logs,
    startLogin,
    async signIn(provider) {
      const login = await startLogin(provider);
      const authorizeUrl = login.headers.get("location") ?? "";
      if (!authorizeUrl.startsWith(fake.issuerBase)) {
        throw new Error(`login answered ${login.status} to ${authorizeUrl}, not the provider`);
      }
      const cookie = (login.headers.getSetCookie()[0] ?? "").split(";")[0] ?? "";
      const callback = new URL(await approveSignIn(authorizeUrl));
      return request(`${callback.pathname}${callback.search}`, {
        headers: { ...PAGE_LOAD, cookie },
      });
    },
    stop: () => fake.stop(),
  };
}

/** Google and dev both at the fake, as a developer would set them (`suffix` after each issuer). */
function providerConfig(issuerBase: string, suffix: string): GatewayConfig {
  return loadConfig({
    // Plain-http providers and the dev one are allowed in development only.
    MODE: "development",
    CALLER_SIGNING_KEY: TEST_SIGNING_KEY,
    APP_ORIGIN,
    GOOGLE_ISSUER: `${issuerBase}/google${suffix}`,
    GOOGLE_CLIENT_ID: CLIENT_ID,
    GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
    DEV_OAUTH_ISSUER: `${issuerBase}/dev${suffix}`,
    DEV_OAUTH_CLIENT_ID: CLIENT_ID,
    DEV_OAUTH_CLIENT_SECRET: CLIENT_SECRET,
  });
}

/** A logger at debug whose every line is kept, parsed. */
export function recordingLog(): { log: Logger; logs: LogLine[] } {
  const logs: LogLine[] = [];
  const log = createLogger({
    service: "gateway",
    level: "debug",
    destination: { write: (line: string) => void logs.push(JSON.parse(line)) },
  });
  return { log, logs };
}
