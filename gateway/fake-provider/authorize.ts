import { renderErrorPage, renderSignInPage } from "./authorize-page.ts";
import { type AuthorizeRequest, validateAuthorizeRequest } from "./authorize-request.ts";
import type { CodeStore } from "./codes.ts";
import { html, readForm, redirect } from "./http.ts";
import { type Identity, type ProviderKind, readIdentity } from "./identity.ts";
import type { Handler } from "./routing.ts";

export type AuthorizeSettings = {
  /** "GitHub", "Google", "Dev": the page is titled "Fake <name> sign-in". */
  providerName: string;
  kind: ProviderKind;
  clientId: string;
  /** Sent back as `iss` (RFC 9207) by the OIDC providers; GitHub sends none. */
  issuer: string | null;
  defaultIdentity: Identity;
  codes: CodeStore;
};

/** GET: validates the authorization request and shows the sign-in form. */
export function showSignInPage(settings: AuthorizeSettings): Handler {
  return (_request, url) => {
    const checked = validateAuthorizeRequest(url.searchParams, settings);
    if (typeof checked === "string") {
      return html(renderErrorPage(checked), 400);
    }
    const page = renderSignInPage({
      providerName: settings.providerName,
      kind: settings.kind,
      action: url.pathname,
      request: checked,
      identity: settings.defaultIdentity,
    });
    return html(page);
  };
}

/**
 * POST: the form's answer. "Sign in" redirects with a one-time code, "Deny" with
 * error=access_denied. The carried parameters are validated again: the form is user input.
 */
export function submitSignInPage(settings: AuthorizeSettings): Handler {
  return async (request) => {
    const form = await readForm(request);
    if (form === null) {
      return html(renderErrorPage("the form must be application/x-www-form-urlencoded"), 400);
    }
    const checked = validateAuthorizeRequest(form, settings);
    if (typeof checked === "string") {
      return html(renderErrorPage(checked), 400);
    }
    const decision = form.get("decision");
    if (decision === "deny") {
      const denied = { error: "access_denied", error_description: "the user denied the request" };
      return redirect(callbackUrl(checked, settings.issuer, denied));
    }
    if (decision !== "approve") {
      return html(renderErrorPage("decision: must be approve or deny"), 400);
    }
    const identity = readIdentity(form, settings.kind);
    if (typeof identity === "string") {
      return html(renderErrorPage(identity), 400);
    }
    const code = settings.codes.issue({
      clientId: checked.clientId,
      redirectUri: checked.redirectUri,
      codeChallenge: checked.codeChallenge,
      scope: checked.scope,
      nonce: checked.nonce,
      identity,
    });
    return redirect(callbackUrl(checked, settings.issuer, { code }));
  };
}

function callbackUrl(
  request: AuthorizeRequest,
  issuer: string | null,
  result: Record<string, string>,
): URL {
  const url = new URL(request.redirectUri);
  for (const [name, value] of Object.entries(result)) {
    url.searchParams.set(name, value);
  }
  if (request.state !== null) {
    url.searchParams.set("state", request.state);
  }
  if (issuer !== null) {
    url.searchParams.set("iss", issuer);
  }
  return url;
}
