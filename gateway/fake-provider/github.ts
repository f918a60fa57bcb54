import { type AuthorizeSettings, showSignInPage, submitSignInPage } from "./authorize.ts";
import { identityFromBearer } from "./bearer.ts";
import { githubUser } from "./claims.ts";
import type { ClientCredentials } from "./client-auth.ts";
import { type CodeStore, createCodeStore } from "./codes.ts";
import { json } from "./http.ts";
import type { Identity } from "./identity.ts";
import type { Handler, Routes } from "./routing.ts";
import { redeemCode } from "./token-exchange.ts";
import { createTokenStore, type TokenStore } from "./tokens.ts";

export type GithubSettings = {
  client: ClientCredentials;
  defaultIdentity: Identity;
  now: () => number;
};

/**
 * A GitHub-shaped OAuth 2.0 app: plain OAuth, no ID token, the user from GET /api/user.
 * Unlike GitHub it requires PKCE S256 and answers errors with RFC 6749 statuses, not 200.
 */
export function createGithubRoutes(settings: GithubSettings): Routes {
  const codes = createCodeStore(settings.now);
  const tokens = createTokenStore(settings.now);
  const authorize: AuthorizeSettings = {
    providerName: "GitHub",
    kind: "github",
    clientId: settings.client.clientId,
    issuer: null,
    defaultIdentity: settings.defaultIdentity,
    codes,
  };
  return {
    "/login/oauth/authorize": { GET: showSignInPage(authorize), POST: submitSignInPage(authorize) },
    "/login/oauth/access_token": { POST: accessTokenEndpoint(settings.client, codes, tokens) },
    "/api/user": {
      GET: (request) => {
        const identity = identityFromBearer(request, tokens);
        return identity instanceof Response ? identity : json(githubUser(identity));
      },
    },
  };
}

function accessTokenEndpoint(
  client: ClientCredentials,
  codes: CodeStore,
  tokens: TokenStore,
): Handler {
  return async (request) => {
    const grant = await redeemCode(request, { client, codes });
    if (grant instanceof Response) {
      return grant;
    }
    // Like GitHub: no expires_in and a lowercase token_type. The token still dies after 10 min.
    return json({
      access_token: tokens.issue(grant.identity),
      token_type: "bearer",
      scope: grant.scope,
    });
  };
}
