// Fixtures for this folder's tests: a provider on a real socket with a clock the test moves.
import { calculatePKCECodeChallenge, generateRandomCodeVerifier } from "oauth4webapi";
import { type ProviderName, providerNames } from "../src/auth/provider-names.ts";
import { type RunningFakeProvider, serveFakeProvider } from "./serve.ts";
import { approveSignIn } from "./sign-in.ts";

export const CLIENT_ID = "test-client";
export const CLIENT_SECRET = "test-secret";
/** Never contacted: redirects are read, not followed. Port 9 is "discard". */
export const REDIRECT_URI = "http://127.0.0.1:9/auth/callback";

// The fake stands in for every provider the gateway knows.
export const PROVIDERS = providerNames;
export type { ProviderName };

export type TestProvider = RunningFakeProvider & { advanceClock(ms: number): void };

export function startTestProvider(): TestProvider {
  let offset = 0;
  const running = serveFakeProvider({
    port: 0,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    now: () => Date.now() + offset,
  });
  return {
    ...running,
    advanceClock(ms) {
      offset += ms;
    },
  };
}

export function endpoints(issuerBase: string, provider: ProviderName) {
  if (provider === "github") {
    return {
      authorize: `${issuerBase}/github/login/oauth/authorize`,
      token: `${issuerBase}/github/login/oauth/access_token`,
      user: `${issuerBase}/github/api/user`,
    };
  }
  return {
    authorize: `${issuerBase}/${provider}/authorize`,
    token: `${issuerBase}/${provider}/token`,
    user: `${issuerBase}/${provider}/userinfo`,
  };
}

/**
 * A valid authorization URL with fresh PKCE, as the gateway would build it. `overrides` replace
 * parameters; null removes one.
 */
export async function newAuthorization(
  issuerBase: string,
  provider: ProviderName,
  overrides: Record<string, string | null> = {},
): Promise<{ url: string; verifier: string; state: string }> {
  const verifier = generateRandomCodeVerifier();
  const state = `state-${crypto.randomUUID()}`;
  const url = new URL(endpoints(issuerBase, provider).authorize);
  const params: Record<string, string | null> = {
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    state,
    code_challenge: await calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    ...(provider === "github"
      ? { scope: "read:user user:email" }
      : { scope: "openid email profile", response_type: "code", nonce: crypto.randomUUID() }),
    ...overrides,
  };
  for (const [name, value] of Object.entries(params)) {
    if (value !== null) {
      url.searchParams.set(name, value);
    }
  }
  return { url: url.href, verifier, state };
}

/** Signs in with the page's default identity and returns the code with its verifier. */
export async function signedInCode(
  issuerBase: string,
  provider: ProviderName,
): Promise<{ code: string; verifier: string }> {
  const { url, verifier } = await newAuthorization(issuerBase, provider);
  const code = new URL(await approveSignIn(url)).searchParams.get("code");
  if (code === null) {
    throw new Error("the sign-in redirect carries no code");
  }
  return { code, verifier };
}

/** A default sign-in at `provider`, its code redeemed: the token endpoint's JSON answer. */
export async function signedInTokens(
  issuerBase: string,
  provider: ProviderName,
): Promise<Record<string, string>> {
  const { code, verifier } = await signedInCode(issuerBase, provider);
  const response = await postForm(endpoints(issuerBase, provider).token, {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
  });
  return (await response.json()) as Record<string, string>;
}

/** POSTs a form to the token endpoint; null values are left out. */
export function postForm(
  url: string,
  form: Record<string, string | null>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) {
    if (value !== null) {
      body.set(name, value);
    }
  }
  return fetch(url, { method: "POST", body, headers, redirect: "manual" });
}
