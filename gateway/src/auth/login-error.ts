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
