import { testCallerKeys } from "@trellis/testing";

// The environment of the stack's processes (stack.ts): the gateway's settings on loopback, with
// the fake OAuth provider standing in for GitHub, Google and the dev login.

/** The fake provider's one client (its defaults), used for all three providers. */
const CLIENT_ID = "trellis-dev";
const CLIENT_SECRET = "trellis-dev-secret";

export function gatewayEnv(where: {
  port: number;
  fakeProviderUrl: string;
  identityAddress: string;
  restServices: string[];
}): Record<string, string> {
  const fake = where.fakeProviderUrl;
  return {
    MODE: "development",
    HOST: "127.0.0.1",
    PORT: String(where.port),
    APP_ORIGIN: `http://127.0.0.1:${where.port}`,
    CALLER_SIGNING_KEY: testCallerKeys.signingKey,
    IDENTITY_ADDRESS: where.identityAddress,
    // Notes is served as any service is: by its REST_SERVICES entry.
    REST_SERVICES: where.restServices.join(","),
    // Every test client comes from 127.0.0.1: only the rate-limit test lowers this.
    AUTH_RATE_LIMIT_PER_MINUTE: "10000",
    // A test's session sends requests far faster than a person's.
    API_RATE_LIMIT_PER_MINUTE: "100000",
    GITHUB_CLIENT_ID: CLIENT_ID,
    GITHUB_CLIENT_SECRET: CLIENT_SECRET,
    GITHUB_AUTHORIZE_URL: `${fake}/github/login/oauth/authorize`,
    GITHUB_TOKEN_URL: `${fake}/github/login/oauth/access_token`,
    GITHUB_API_URL: `${fake}/github/api`,
    GOOGLE_CLIENT_ID: CLIENT_ID,
    GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
    GOOGLE_ISSUER: `${fake}/google`,
    DEV_OAUTH_ISSUER: `${fake}/dev`,
    DEV_OAUTH_CLIENT_ID: CLIENT_ID,
    DEV_OAUTH_CLIENT_SECRET: CLIENT_SECRET,
  };
}

/**
 * Only what a process needs from ours; debug logs make the secrets scan stricter. Tracing is off
 * unless a test turns it on (tracing.test.ts): no test sends spans to a collector it did not start.
 */
export function defaultEnv(): Record<string, string> {
  const env: Record<string, string> = { LOG_LEVEL: "debug", OTEL_SDK_DISABLED: "true" };
  for (const key of ["PATH", "HOME", "TMPDIR"]) {
    const value = process.env[key];
    if (value !== undefined) {
      env[key] = value;
    }
  }
  return env;
}
