import type { Logger } from "@trellis/service-kit";
import { HttpError, isGrpcError, type LoginFailedStatus, loginFailed } from "../errors.ts";
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

/**
 * The one LoginError table: for each kind, the status of the LOGIN_FAILED an API client gets and
 * the code a browser is sent to /signin with. A refused ID token is a bad answer from upstream
 * (502), as is a failed exchange; a wrong setting is ours (500).
 */
const loginFailures = {
  state: { status: 400, signIn: "invalid" },
  denied: { status: 400, signIn: "denied" },
  exchange: { status: 502, signIn: "provider" },
  rejected: { status: 502, signIn: "rejected" },
  config: { status: 500, signIn: "misconfigured" },
} as const satisfies Record<LoginErrorKind, { status: LoginFailedStatus; signIn: SignInErrorCode }>;

/** A LoginError as each client sees it: the JSON error, and the code a browser is shown. */
export function loginFailure(error: LoginError): { json: HttpError; signIn: SignInErrorCode } {
  const { status, signIn } = loginFailures[error.kind];
  return { json: loginFailed(error.message, status), signIn };
}

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
      throw error instanceof LoginError ? loginFailure(error).json : error;
    }
    const code = signInErrorCode(error);
    if (code === "internal") {
      // Not thrown, so the error hook that logs failures never sees it: log it here.
      log.error({ request_id: requestIdOf(request), err: error }, "sign-in failed");
    }
    return redirectTo(signInErrorPage(code));
  };
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
    return loginFailure(error).signIn;
  }
  if (error instanceof HttpError) {
    switch (error.status) {
      case 400:
        return "expired";
      case 404:
        return "unknown_provider";
      case 429:
        return "rate_limited";
      // Identity was busy (serviceBusy): the user may try again shortly.
      case 503:
        return "unavailable";
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
