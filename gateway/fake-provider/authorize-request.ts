import type { ProviderKind } from "./identity.ts";

/** The parameters the authorize page carries through its form in hidden inputs. */
export const OAUTH_PARAMS = [
  "client_id",
  "redirect_uri",
  "response_type",
  "scope",
  "state",
  "nonce",
  "code_challenge",
  "code_challenge_method",
] as const;

export type AuthorizeRequest = {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string | null;
  nonce: string | null;
  codeChallenge: string;
  /** The OAuth parameters as received, for the hidden inputs. */
  params: [string, string][];
};

// An S256 challenge is always 32 bytes of base64url.
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Checks an authorization request. Returns an error message when it is unusable, which the
 * caller shows on an error page: nothing is redirected to a redirect_uri not yet trusted.
 */
export function validateAuthorizeRequest(
  query: URLSearchParams,
  expected: { clientId: string; kind: ProviderKind },
): AuthorizeRequest | string {
  const repeated = OAUTH_PARAMS.find((name) => query.getAll(name).length > 1);
  if (repeated !== undefined) {
    return `${repeated}: must not be repeated`;
  }
  if (query.get("client_id") !== expected.clientId) {
    return "client_id: unknown client";
  }
  const redirectUri = query.get("redirect_uri") ?? "";
  const redirectProblem = checkRedirectUri(redirectUri);
  if (redirectProblem !== null) {
    return `redirect_uri: ${redirectProblem}`;
  }
  const problem = checkFlow(query, expected.kind);
  if (problem !== null) {
    return problem;
  }
  return {
    clientId: expected.clientId,
    redirectUri,
    scope: query.get("scope") ?? "",
    state: query.get("state"),
    nonce: expected.kind === "oidc" ? query.get("nonce") : null,
    codeChallenge: query.get("code_challenge") ?? "",
    params: OAUTH_PARAMS.flatMap((name) => {
      const value = query.get(name);
      return value === null ? [] : [[name, value] as [string, string]];
    }),
  };
}

function checkRedirectUri(value: string): string | null {
  if (value === "") {
    return "required";
  }
  if (!URL.canParse(value)) {
    return "must be an absolute URL";
  }
  const url = new URL(value);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return "must be an http or https URL";
  }
  // RFC 6749 3.1.2: the redirection endpoint URI must not include a fragment.
  if (value.includes("#")) {
    return "must not have a fragment";
  }
  return null;
}

function checkFlow(query: URLSearchParams, kind: ProviderKind): string | null {
  const responseType = query.get("response_type");
  // GitHub ignores response_type; an OIDC provider requires it.
  if ((kind === "oidc" || responseType !== null) && responseType !== "code") {
    return "response_type: only code is supported";
  }
  if (!S256_CHALLENGE.test(query.get("code_challenge") ?? "")) {
    return "code_challenge: required, 43 base64url characters";
  }
  if (query.get("code_challenge_method") !== "S256") {
    return "code_challenge_method: must be S256";
  }
  const scopes = (query.get("scope") ?? "").split(" ");
  if (kind === "oidc" && !scopes.includes("openid")) {
    return "scope: must include openid";
  }
  return null;
}
