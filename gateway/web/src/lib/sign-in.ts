import { safeReturnTo } from "../../../src/auth/return-to.ts";
import type { ProviderName } from "./api.ts";

/** How each provider's button reads. */
export const providerLabels: Record<ProviderName, string> = {
  github: "Continue with GitHub",
  google: "Continue with Google",
  dev: "Dev login",
};

// The codes the gateway sends a browser back with (gateway/src/auth/sign-in-failure.ts).
const signInErrors: Record<string, string> = {
  expired: "Your sign-in took too long or was started in another tab. Please try again.",
  invalid: "That sign-in link was invalid or already used. Please start again.",
  denied: "Sign-in was cancelled at the provider. Choose a way to sign in to continue.",
  provider: "The sign-in provider didn't complete the sign-in. Please try again in a moment.",
  rejected: "The provider's answer failed our checks, so you weren't signed in. Please try again.",
  misconfigured:
    "This sign-in method isn't set up correctly on the server. Please tell the site's operator.",
  unavailable: "Trellis can't sign you in right now. Please try again shortly.",
  rate_limited: "Too many sign-in attempts. Please wait a minute and try again.",
  unknown_provider: "That sign-in method isn't available here. Choose another one.",
};
const fallback = "Sign-in didn't work. Please try again.";

/** The sentence for `/signin?error=<code>`, or null when there is no error. */
export function signInErrorMessage(code: string | null): string | null {
  if (code === null || code === "") {
    return null;
  }
  return Object.hasOwn(signInErrors, code) ? (signInErrors[code] ?? fallback) : fallback;
}

/**
 * Where to come back to after signing in: the gateway's own rule (the gateway checks it again
 * at /login and /callback), and never the sign-in page itself, which would loop.
 */
export function appReturnTo(returnTo: string | null, origin: string): string {
  const target = safeReturnTo(returnTo, origin);
  return target.startsWith("/signin") ? "/" : target;
}

/** Where a sign-in button goes: the gateway starts the OAuth flow and lands on `returnTo`. */
export function loginHref(provider: ProviderName, returnTo: string): string {
  const query = returnTo === "/" ? "" : `?${new URLSearchParams({ returnTo })}`;
  return `/auth/${provider}/login${query}`;
}

/** The sign-in page, remembering where to come back to. */
export function signInPath(returnTo: string, origin: string): string {
  const target = appReturnTo(returnTo, origin);
  return target === "/" ? "/signin" : `/signin?${new URLSearchParams({ returnTo: target })}`;
}
