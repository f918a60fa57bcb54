import * as oauth from "oauth4webapi";
import type { OidcConfig } from "../config.ts";
import { createCodeFlow } from "./code-flow.ts";
import { verifyIdToken } from "./id-token.ts";
import { LoginError } from "./login-error.ts";
import type { OAuthProvider, ProviderOptions } from "./oauth-provider.ts";
import type { OidcProviderName } from "./provider-names.ts";

/** The setting that holds each provider's issuer, named when it is wrong. */
const issuerSettings = {
  google: "GOOGLE_ISSUER",
  dev: "DEV_OAUTH_ISSUER",
} as const satisfies Record<OidcProviderName, string>;

/**
 * An OpenID Connect provider found by discovery (Google, and the fake one behind "Dev login").
 * The ID token is verified (id-token.ts); the profile comes from the userinfo endpoint for the
 * same `sub`. An issuer whose discovery document names another issuer is a LoginError "config".
 */
export function oidcProvider(
  name: OidcProviderName,
  config: OidcConfig,
  options: ProviderOptions,
): OAuthProvider {
  const flow = createCodeFlow(config, options);
  const { client, http } = flow;
  let metadata: Promise<oauth.AuthorizationServer> | undefined;
  const discover = (): Promise<oauth.AuthorizationServer> => {
    metadata ??= discoverIssuer(config.issuer, http()).catch((error: unknown) => {
      metadata = undefined; // try again on the next login rather than caching the failure
      throw discoveryFailure(name, error);
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
        const { tokens, claims } = await verifyIdToken(as, client, response, attempt.nonce, http);
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

/**
 * Discovery found a document naming another issuer: the setting is wrong (often a trailing
 * slash), which no retry fixes. Anything else is the provider being unreachable.
 */
function discoveryFailure(name: OidcProviderName, error: unknown): LoginError {
  if (
    error instanceof oauth.OperationProcessingError &&
    error.code === oauth.JSON_ATTRIBUTE_COMPARISON
  ) {
    return new LoginError("config", `sign-in with ${name} is misconfigured on this server`, {
      cause: error,
      setting: issuerSettings[name],
      reason: "the issuer's discovery document names another issuer",
    });
  }
  return new LoginError("exchange", `${name} is unreachable`, { cause: error });
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
