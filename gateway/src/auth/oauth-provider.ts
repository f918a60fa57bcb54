import type { ProviderName } from "./provider-names.ts";

/** Who the provider says signed in, keyed on its immutable id (never the email). */
export interface ProviderProfile {
  providerUserId: string;
  name: string;
  email: string;
  avatarUrl: string;
}

/** The secrets of one login attempt, kept in a short-lived HttpOnly cookie until the callback. */
export interface LoginAttempt {
  state: string;
  verifier: string;
  /** OIDC only: binds the ID token to this attempt. */
  nonce: string | null;
}

export interface OAuthProvider {
  name: ProviderName;
  /** Where to send the browser, and the attempt to remember. */
  start(): Promise<{ url: URL; attempt: LoginAttempt }>;
  /**
   * Checks the callback against the attempt (state), exchanges the code with the PKCE verifier,
   * verifies the ID token where there is one, and reads the profile. Throws LoginError.
   */
  finish(callbackUrl: URL, attempt: LoginAttempt): Promise<ProviderProfile>;
}

export type OAuthProviders = Partial<Record<ProviderName, OAuthProvider>>;

export interface ProviderOptions {
  /** Fixed by config (APP_ORIGIN), never derived from request headers. */
  redirectUri: string;
  timeoutMs: number;
  /** Plain-http endpoints, for the fake provider in development and tests only. */
  allowInsecure: boolean;
}
