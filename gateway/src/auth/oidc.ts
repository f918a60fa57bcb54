import * as oauth from "oauth4webapi";
import type { OidcConfig, ProviderName } from "../config.ts";
import { exchanging, validateCallback } from "./oauth-errors.ts";
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
  const client: oauth.Client = { client_id: config.clientId };
  const clientAuth = oauth.ClientSecretPost(config.clientSecret);
  const http = () => ({
    signal: AbortSignal.timeout(options.timeoutMs),
    [oauth.allowInsecureRequests]: options.allowInsecure,
  });
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
      const attempt = {
        state: oauth.generateRandomState(),
        verifier: oauth.generateRandomCodeVerifier(),
        nonce: oauth.generateRandomNonce(),
      };
      const url = new URL(as.authorization_endpoint);
      url.searchParams.set("client_id", config.clientId);
      url.searchParams.set("redirect_uri", options.redirectUri);
      url.searchParams.set("response_type", "code");
      url.searchParams.set("scope", "openid email profile");
      url.searchParams.set("state", attempt.state);
      url.searchParams.set("nonce", attempt.nonce);
      url.searchParams.set(
        "code_challenge",
        await oauth.calculatePKCECodeChallenge(attempt.verifier),
      );
      url.searchParams.set("code_challenge_method", "S256");
      return { url, attempt };
    },
    async finish(callbackUrl, attempt) {
      const as = await discover();
      const params = validateCallback(as, client, callbackUrl, attempt.state);
      return exchanging(async () => {
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          clientAuth,
          params,
          options.redirectUri,
          attempt.verifier,
          http(),
        );
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
