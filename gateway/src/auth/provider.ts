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

/**
 * Why a login failed, in words safe to show: "state" (a forged, replayed or expired attempt),
 * "denied" (the user or provider refused), "exchange" (the provider did not complete the login),
 * "rejected" (the provider's answer failed a check: its ID token's signature, iss, aud, nonce,
 * exp or sub), "config" (our settings for the provider are wrong; retrying will not help).
 */
export type LoginErrorKind = "state" | "denied" | "exchange" | "rejected" | "config";

export class LoginError extends Error {
  override readonly name = "LoginError";
  readonly kind: LoginErrorKind;
  /** For the log: which check failed, in fixed words (e.g. "id_token aud"), never provider text. */
  readonly reason: string | null;
  /** Kind "config": the setting to fix, e.g. GOOGLE_ISSUER. */
  readonly setting: string | null;

  constructor(
    kind: LoginErrorKind,
    message: string,
    options: ErrorOptions & { reason?: string; setting?: string } = {},
  ) {
    super(message, options);
    this.kind = kind;
    this.reason = options.reason ?? null;
    this.setting = options.setting ?? null;
  }
}

export interface ProviderOptions {
  /** Fixed by config (APP_ORIGIN), never derived from request headers. */
  redirectUri: string;
  timeoutMs: number;
  /** Plain-http endpoints, for the fake provider in development and tests only. */
  allowInsecure: boolean;
}
