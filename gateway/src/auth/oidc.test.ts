// OIDC sign-in against the fake provider made to misbehave, through the whole gateway: each bad
// ID token must be refused for its own reason (the logged one), so that no row passes because
// something else broke. The fake listens on 127.0.0.1; the gateway runs in-process.
import { afterEach, expect, test } from "bun:test";
import type { IdTokenFaults, ProviderFaults } from "../../fake-provider/faults.ts";
import {
  type LogLine,
  type ProviderTestApp,
  providerTestApp,
} from "../testing/provider-test-app.ts";

const running: ProviderTestApp[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop()));
});

function start(options: { faults?: ProviderFaults; issuerSuffix?: string } = {}): ProviderTestApp {
  const app = providerTestApp(options);
  running.push(app);
  return app;
}

/**
 * The warnings and errors logged, without the fields that vary (time, err), and without the
 * audit trail's line for the failed sign-in (`auditTrail` below), which every failure has.
 */
function problems(logs: LogLine[]): Record<string, unknown>[] {
  return logs
    .filter((line) => line.level === "warn" || line.level === "error")
    .filter((line) => line.audit === undefined)
    .map(({ level, message, reason, setting }) => ({ level, message, reason, setting }));
}

/** The audit lines: one per failed sign-in, with the code the browser is shown. */
function auditTrail(logs: LogLine[]): Record<string, unknown>[] {
  return logs
    .filter((line) => line.audit !== undefined)
    .map(({ audit, provider, reason }) => ({ audit, provider, reason }));
}

function setCookieNames(response: Response): string[] {
  return response.headers.getSetCookie().map((line) => line.split("=")[0] ?? "");
}

test("an ID token that passes every check signs in (the rows below differ only by one fault)", async () => {
  const app = start();

  const response = await app.signIn("google");

  expect(response.status).toBe(302);
  expect(response.headers.get("location")).toBe("/");
  expect(setCookieNames(response)).toEqual(["__Host-login", "__Host-session"]);
  expect(app.identity.calls.map((call) => call.request)).toEqual([
    expect.objectContaining({ provider: "google", providerUserId: "google-user-1" }),
  ]);
  expect(problems(app.logs)).toEqual([]);
});

const nowSeconds = Math.floor(Date.now() / 1000);
const refusals: { name: string; idToken: IdTokenFaults; reason: string }[] = [
  {
    name: "another audience",
    idToken: { claims: { aud: "another-client" } },
    reason: "id_token aud",
  },
  {
    name: "another issuer",
    idToken: { claims: { iss: "https://issuer.example" } },
    reason: "id_token iss",
  },
  {
    name: "another attempt's nonce",
    idToken: { claims: { nonce: "another-attempts-nonce" } },
    reason: "id_token nonce",
  },
  { name: "no nonce", idToken: { claims: { nonce: null } }, reason: "id_token nonce missing" },
  {
    name: "a signature by a key the provider does not publish",
    idToken: { signWithUnpublishedKey: true },
    reason: "id_token signature",
  },
  {
    // Past oauth4webapi's 30 s clock tolerance.
    name: "an expiry five minutes ago",
    idToken: { claims: { iat: nowSeconds - 600, exp: nowSeconds - 300 } },
    reason: "id_token exp",
  },
  { name: "no subject", idToken: { claims: { sub: null } }, reason: "id_token sub missing" },
];

test.each(refusals)(
  "an ID token with $name is refused ($reason): error page, no session, nothing written",
  async ({ idToken, reason }) => {
    const app = start({ faults: { idToken } });

    const response = await app.signIn("google");

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/signin?error=rejected");
    // The login cookie is cleared; no session cookie is set.
    expect(setCookieNames(response)).toEqual(["__Host-login"]);
    expect(app.identity.calls).toEqual([]);
    expect(problems(app.logs)).toEqual([
      {
        level: "warn",
        message: "sign-in refused: the provider's answer failed verification",
        reason,
        setting: undefined,
      },
    ]);
    expect(auditTrail(app.logs)).toEqual([
      { audit: "sign_in_failed", provider: "google", reason: "rejected" },
    ]);
  },
);

const misconfigurations = [
  { provider: "google", setting: "GOOGLE_ISSUER", cause: "a document naming another issuer" },
  { provider: "dev", setting: "DEV_OAUTH_ISSUER", cause: "a document naming another issuer" },
  { provider: "google", setting: "GOOGLE_ISSUER", cause: "a setting with a trailing slash" },
] as const;

test.each(misconfigurations)(
  "$setting with $cause is a configuration problem, named in an error log line",
  async ({ provider, setting, cause }) => {
    const app = start(
      cause === "a setting with a trailing slash"
        ? { issuerSuffix: "/" }
        : { faults: { discoveryIssuer: "https://issuer.example" } },
    );

    const response = await app.startLogin(provider);

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/signin?error=misconfigured");
    expect(setCookieNames(response)).toEqual([]);
    expect(app.identity.calls).toEqual([]);
    expect(problems(app.logs)).toEqual([
      {
        level: "error",
        message: `${setting}: the issuer's discovery document names another issuer`,
        reason: "the issuer's discovery document names another issuer",
        setting,
      },
    ]);
  },
);

test("an issuer that does not answer is reported as unreachable, not as misconfigured", async () => {
  const app = start();
  await app.stop();

  const response = await app.startLogin("google");

  expect(response.headers.get("location")).toBe("/signin?error=provider");
  expect(problems(app.logs)).toEqual([
    {
      level: "warn",
      message: "sign-in failed at the provider",
      reason: undefined,
      setting: undefined,
    },
  ]);
});
