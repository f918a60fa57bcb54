import { authenticateClient, type ClientCredentials } from "./client-auth.ts";
import type { CodeStore, Grant } from "./codes.ts";
import { oauthError, readForm } from "./http.ts";
import { verifyPkce } from "./pkce.ts";

/**
 * The checks every token endpoint here makes before issuing tokens: client authentication,
 * then the code, its redirect_uri and its PKCE verifier. Returns the grant, or the RFC 6749
 * error response. Errors: 400 invalid_request, unsupported_grant_type, invalid_grant;
 * 401 invalid_client.
 */
export async function redeemCode(
  request: Request,
  settings: { client: ClientCredentials; codes: CodeStore },
): Promise<Grant | Response> {
  const form = await readForm(request);
  if (form === null) {
    return oauthError(400, "invalid_request", "body must be application/x-www-form-urlencoded");
  }
  const refused = authenticateClient(request, form, settings.client);
  if (refused !== null) {
    return refused;
  }
  if (form.get("grant_type") !== "authorization_code") {
    return oauthError(400, "unsupported_grant_type", "only authorization_code is supported");
  }
  const code = form.get("code");
  if (code === null || code === "") {
    return oauthError(400, "invalid_request", "code is required");
  }
  const grant = settings.codes.take(code);
  if (grant === null) {
    return oauthError(400, "invalid_grant", "unknown, expired or already used code");
  }
  if (grant.clientId !== settings.client.clientId) {
    return oauthError(400, "invalid_grant", "code was issued to another client");
  }
  if (form.get("redirect_uri") !== grant.redirectUri) {
    return oauthError(400, "invalid_grant", "redirect_uri differs from the authorization request");
  }
  const verifier = form.get("code_verifier");
  if (verifier === null || !(await verifyPkce(verifier, grant.codeChallenge))) {
    return oauthError(400, "invalid_grant", "code_verifier missing or does not match");
  }
  return grant;
}
