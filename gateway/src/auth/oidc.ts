import * as oauth from "oauth4webapi";
import type { OidcConfig, ProviderName } from "../config.ts";
import { createCodeFlow } from "./code-flow.ts";
import { LoginError, type OAuthProvider, type ProviderOptions } from "./provider.ts";

/**
 * An OpenID Connect provider found by discovery (Google, and the fake one behind "Dev login").
 * The ID token's signature is checked against the provider's JWKS, and its iss, aud, exp and
 * nonce by oauth4webapi; the profile comes from the userinfo endpoint for the same `sub`.
 */
export function oidcProvider(
  name: ProviderName,
  config: OidcConfig,
  options: ProviderOptions,
): OAuthProvider {
  const flow = createCodeFlow(config, options);
  const { client, http } = flow;
  let metadata: Promise<oauth.AuthorizationServer> | undefined;
  const discover = (): Promise<oauth.AuthorizationServer> => {
    metadata ??= discoverIssuer(config.issuer, http()).catch((error: unknown) => {
      metadata = undefined; // try again on the next login rather than caching the failure
      throw new LoginError("exchange", `${name} is unreachable`, { cause: error });
    });
    return metadata;
  };

  return {
    name,
    async start() {
      const as = await discover();
      if (as.authorization_endpoint === undefined) {
        throw new LoginError("exchange", `${name} has no authorization endpoint`);
      }
      const params = { response_type: "code", scope: "openid email profile" };
      return flow.start(as.authorization_endpoint, params, true);
    },
    async finish(callbackUrl, attempt) {
      const as = await discover();
      return flow.exchange(as, callbackUrl, attempt, async (response) => {
        const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
          expectedNonce: attempt.nonce ?? oauth.expectNoNonce,
          requireIdToken: true,
        });
        await oauth.validateApplicationLevelSignature(as, response, http());
        const claims = oauth.getValidatedIdTokenClaims(tokens);
        if (claims === undefined) {
          throw new LoginError("exchange", `${name} returned no ID token`);
        }
        const info = await oauth.processUserInfoResponse(
          as,
          client,
          claims.sub,
          await oauth.userInfoRequest(as, client, tokens.access_token, http()),
        );
        return {
          providerUserId: claims.sub,
          name: stringClaim(info.name) ?? stringClaim(claims.name) ?? "",
          email: stringClaim(info.email) ?? stringClaim(claims.email) ?? "",
          avatarUrl: stringClaim(info.picture) ?? stringClaim(claims.picture) ?? "",
        };
      });
    },
  };
}

async function discoverIssuer(
  issuer: string,
  options: oauth.DiscoveryRequestOptions,
): Promise<oauth.AuthorizationServer> {
  const issuerUrl = new URL(issuer);
  const response = await oauth.discoveryRequest(issuerUrl, { ...options, algorithm: "oidc" });
  return oauth.processDiscoveryResponse(issuerUrl, response);
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
