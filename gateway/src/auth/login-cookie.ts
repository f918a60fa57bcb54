import type { LoginAttempt } from "./oauth-provider.ts";
import { isProviderName, type ProviderName } from "./provider-names.ts";

/** What the login cookie holds between /login and /callback (about ten minutes). */
export interface PendingLogin extends LoginAttempt {
  provider: ProviderName;
  /** A same-origin path to land on after signing in (see `safeReturnTo`). */
  returnTo: string;
}

export const loginCookieTtlMs = 10 * 60 * 1000;

export function encodePendingLogin(login: PendingLogin): string {
  return Buffer.from(JSON.stringify(login)).toString("base64url");
}

/** The pending login in a cookie value, or null when it is absent or not one of ours. */
export function decodePendingLogin(value: string | null): PendingLogin | null {
  if (value === null || !/^[A-Za-z0-9_-]{1,4096}$/.test(value)) {
    return null;
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString());
    return isPendingLogin(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function isPendingLogin(value: unknown): value is PendingLogin {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const login = value as Record<string, unknown>;
  return (
    isProviderName(login.provider) &&
    typeof login.state === "string" &&
    typeof login.verifier === "string" &&
    (login.nonce === null || typeof login.nonce === "string") &&
    typeof login.returnTo === "string"
  );
}
