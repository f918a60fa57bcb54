import * as oauth from "oauth4webapi";
import type { OidcConfig } from "../config.ts";
import { type CodeFlow, createCodeFlow } from "./code-flow.ts";
import { verifyIdToken } from "./id-token.ts";
import { LoginError } from "./login-error.ts";
import type { OAuthProvider, ProviderOptions, ProviderProfile } from "./oauth-provider.ts";
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
  const discover = discovery(name, config.issuer, flow.http);
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
      return flow.exchange(as, callbackUrl, attempt, (response) =>
        readProfile(as, flow, response, attempt.nonce),
      );
    },
  };
}

/** The issuer's metadata, discovered on first use and kept; a failure is not kept. */
function discovery(
  name: OidcProviderName,
  issuer: string,
  http: CodeFlow["http"],
): () => Promise<oauth.AuthorizationServer> {
  let metadata: Promise<oauth.AuthorizationServer> | undefined;
  return () => {
    metadata ??= discoverIssuer(issuer, http()).catch((error: unknown) => {
      metadata = undefined; // try again on the next login rather than caching the failure
      throw discoveryFailure(name, error);
    });
    return metadata;
  };
}

/** The profile of the ID token's `sub`: userinfo's claims, else the ID token's own. */
async function readProfile(
  as: oauth.AuthorizationServer,
  { client, http }: CodeFlow,
  response: Response,
  nonce: string | null,
): Promise<ProviderProfile> {
  const { tokens, claims } = await verifyIdToken(as, client, response, nonce, http);
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
