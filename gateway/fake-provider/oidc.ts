import { type AuthorizeSettings, showSignInPage, submitSignInPage } from "./authorize.ts";
import { identityFromBearer } from "./bearer.ts";
import { oidcClaims } from "./claims.ts";
import type { ClientCredentials } from "./client-auth.ts";
import { type CodeStore, createCodeStore } from "./codes.ts";
import { discoveryDocument } from "./discovery.ts";
import type { ProviderFaults } from "./faults.ts";
import { json } from "./http.ts";
import { signIdToken } from "./id-token.ts";
import type { Identity } from "./identity.ts";
import type { SigningKey } from "./keys.ts";
import type { Handler, Routes } from "./routing.ts";
import { redeemCode } from "./token-exchange.ts";
import { ACCESS_TOKEN_TTL_S, createTokenStore, type TokenStore } from "./tokens.ts";

export type OidcSettings = {
  /** "Google" or "Dev", for the sign-in page title. */
  providerName: string;
  /** `<issuerBase>/google`: every endpoint lives below it. */
  issuer: string;
  client: ClientCredentials;
  defaultIdentity: Identity;
  key: Promise<SigningKey>;
  now: () => number;
  /** Tests only: see faults.ts. */
  faults?: ProviderFaults;
};

/** A Google-shaped OpenID Connect provider: discovery, authorize, token, userinfo, JWKS. */
export function createOidcRoutes(settings: OidcSettings): Routes {
  const codes = createCodeStore(settings.now);
  const tokens = createTokenStore(settings.now);
  const authorize: AuthorizeSettings = {
    providerName: settings.providerName,
    kind: "oidc",
    clientId: settings.client.clientId,
    issuer: settings.issuer,
    defaultIdentity: settings.defaultIdentity,
    codes,
  };
  const userinfo: Handler = (request) => {
    const identity = identityFromBearer(request, tokens);
    return identity instanceof Response ? identity : json(oidcClaims(identity));
  };
  const discovery = {
    ...discoveryDocument(settings.issuer),
    ...(settings.faults?.discoveryIssuer === undefined
      ? {}
      : { issuer: settings.faults.discoveryIssuer }),
  };
  return {
    "/.well-known/openid-configuration": { GET: () => json(discovery) },
    "/authorize": { GET: showSignInPage(authorize), POST: submitSignInPage(authorize) },
    "/token": { POST: tokenEndpoint(settings, codes, tokens) },
    // OIDC Core 5.3.1: the userinfo endpoint answers GET and POST.
    "/userinfo": { GET: userinfo, POST: userinfo },
    "/jwks": { GET: async () => json({ keys: [(await settings.key).publicJwk] }) },
  };
}

function tokenEndpoint(settings: OidcSettings, codes: CodeStore, tokens: TokenStore): Handler {
  return async (request) => {
    const grant = await redeemCode(request, { client: settings.client, codes });
    if (grant instanceof Response) {
      return grant;
    }
    const idToken = await signIdToken(grant, {
      issuer: settings.issuer,
      key: await settings.key,
      nowSeconds: Math.floor(settings.now() / 1000),
      faults: settings.faults?.idToken,
    });
    return json({
      access_token: tokens.issue(grant.identity),
      token_type: "Bearer",
      expires_in: ACCESS_TOKEN_TTL_S,
      scope: grant.scope,
      id_token: idToken,
    });
  };
}
