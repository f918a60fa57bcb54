import { LoginError } from "../auth/provider.ts";
import { HttpError, isGrpcError } from "../errors.ts";

/**
 * Why a browser's sign-in failed, sent as `/signin?error=<code>`; the web app words each one
 * (gateway/web/src/lib/sign-in.ts). Codes, not messages: the URL stays short and nothing a
 * provider said is echoed into the page.
 */
export type SignInErrorCode =
  | "expired"
  | "invalid"
  | "denied"
  | "provider"
  | "unavailable"
  | "rate_limited"
  | "unknown_provider"
  | "internal";

const loginErrorCodes = {
  state: "invalid",
  denied: "denied",
  exchange: "provider",
} as const satisfies Record<LoginError["kind"], SignInErrorCode>;

/** The code for an error thrown while starting or finishing a sign-in. */
export function signInErrorCode(error: unknown): SignInErrorCode {
  if (error instanceof LoginError) {
    return loginErrorCodes[error.kind];
  }
  if (error instanceof HttpError) {
    switch (error.status) {
      case 400:
        return "expired";
      case 404:
        return "unknown_provider";
      case 429:
        return "rate_limited";
      default:
        return error.status >= 500 ? "provider" : "internal";
    }
  }
  return isGrpcError(error) ? "unavailable" : "internal";
}

/** A page load (the browser follows redirects and shows HTML), not an API client. */
export function isPageLoad(request: Request): boolean {
  return request.method === "GET" && (request.headers.get("accept") ?? "").includes("text/html");
}

/** Where a browser goes after a failed sign-in. */
export function signInErrorPage(code: SignInErrorCode): string {
  return `/signin?error=${code}`;
}
