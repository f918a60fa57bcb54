import type { Logger } from "@trellis/service-kit";
import { HttpError, isGrpcError } from "../errors.ts";
import { isPageLoad } from "../http/page-load.ts";
import { redirectTo } from "../http/redirect.ts";
import { requestIdOf } from "../http/request-context.ts";
import type { AuditLog } from "./audit.ts";
import { LoginError, type LoginErrorKind } from "./login-error.ts";
import { isProviderName } from "./provider-names.ts";

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
  | "rejected"
  | "misconfigured"
  | "unavailable"
  | "rate_limited"
  | "unknown_provider"
  | "internal";

const loginErrorCodes = {
  state: "invalid",
  denied: "denied",
  exchange: "provider",
  rejected: "rejected",
  config: "misconfigured",
} as const satisfies Record<LoginErrorKind, SignInErrorCode>;

// A refused ID token is a bad answer from upstream (502), as is a failed exchange.
const loginErrorStatus = {
  state: 400,
  denied: 400,
  exchange: 502,
  rejected: 502,
  config: 500,
} as const satisfies Record<LoginErrorKind, number>;

/** Answers a sign-in step that threw `error`, for the provider named in the path. */
export type SignInFailure = (request: Request, error: unknown, provider: string) => Response;

/**
 * A failed sign-in step. A page load is sent to the app's sign-in page with a code saying why;
 * an API client gets the JSON error. A provider's own failure is logged with its cause.
 */
export function signInFailed(log: Logger, audit: AuditLog): SignInFailure {
  return (request, error, provider) => {
    const known = isProviderName(provider) ? provider : "unknown";
    audit.signInFailed(request, { provider: known, reason: signInErrorCode(error) });
    if (error instanceof LoginError) {
      logLoginFailure(log, provider, error);
    }
    if (!isPageLoad(request)) {
      throw error instanceof LoginError ? loginHttpError(error) : error;
    }
    const code = signInErrorCode(error);
    if (code === "internal") {
      // Not thrown, so the error hook that logs failures never sees it: log it here.
      log.error({ request_id: requestIdOf(request), err: error }, "sign-in failed");
    }
    return redirectTo(signInErrorPage(code));
  };
}

/** What an API client (not a page load) gets for a failed sign-in. */
function loginHttpError(error: LoginError): HttpError {
  return new HttpError(loginErrorStatus[error.kind], "LOGIN_FAILED", error.message);
}

/**
 * Logs a failure on the provider's side or ours: our own setting at error, naming it; a refused
 * answer or a provider failure at warn, with the check that failed. The user's own (a stale
 * attempt, a denial) is not logged here.
 */
function logLoginFailure(log: Logger, provider: string, error: LoginError): void {
  const fields = { provider, reason: error.reason ?? undefined, err: error.cause ?? error };
  switch (error.kind) {
    case "config":
      log.error({ ...fields, setting: error.setting }, `${error.setting}: ${error.reason}`);
      return;
    case "rejected":
      log.warn(fields, "sign-in refused: the provider's answer failed verification");
      return;
    case "exchange":
      log.warn(fields, "sign-in failed at the provider");
      return;
    case "state":
    case "denied":
      return;
  }
}

/** The code for an error thrown while starting or finishing a sign-in. */
function signInErrorCode(error: unknown): SignInErrorCode {
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

/** Where a browser goes after a failed sign-in. */
export function signInErrorPage(code: SignInErrorCode): string {
  return `/signin?error=${code}`;
}
