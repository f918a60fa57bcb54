import * as oauth from "oauth4webapi";
import { exchanging, validateCallback } from "./oauth-errors.ts";
import type { LoginAttempt, ProviderOptions } from "./oauth-provider.ts";

/** The authorization code flow with PKCE for one registered client: what every provider shares. */
export interface CodeFlow {
  client: oauth.Client;
  /** Options of each request to the provider: the timeout, and plain http where allowed. */
  http(): { signal: AbortSignal; [oauth.allowInsecureRequests]: boolean };
  /**
   * A fresh attempt (state, PKCE verifier, and a nonce when `withNonce`) and the URL to send the
   * browser to: `endpoint` with client_id, redirect_uri, then `params`, then the attempt's part.
   */
  start(
    endpoint: string,
    params: Record<string, string>,
    withNonce: boolean,
  ): Promise<{ url: URL; attempt: LoginAttempt }>;
  /**
   * Checks the callback against the attempt, redeems its code with the PKCE verifier and hands
   * the token endpoint's response to `read`. Throws LoginError (see `exchanging`).
   */
  exchange<T>(
    as: oauth.AuthorizationServer,
    callbackUrl: URL,
    attempt: LoginAttempt,
    read: (response: Response) => Promise<T>,
  ): Promise<T>;
}

/** The flow of the client `clientId`, which authenticates to the token endpoint by POST. */
export function createCodeFlow(
  credentials: { clientId: string; clientSecret: string },
  options: ProviderOptions,
): CodeFlow {
  const client: oauth.Client = { client_id: credentials.clientId };
  const clientAuth = oauth.ClientSecretPost(credentials.clientSecret);
  const http = () => ({
    signal: AbortSignal.timeout(options.timeoutMs),
    [oauth.allowInsecureRequests]: options.allowInsecure,
  });

  return {
    client,
    http,
    async start(endpoint, params, withNonce) {
      const attempt = {
        state: oauth.generateRandomState(),
        verifier: oauth.generateRandomCodeVerifier(),
        nonce: withNonce ? oauth.generateRandomNonce() : null,
      };
      const url = new URL(endpoint);
      url.searchParams.set("client_id", credentials.clientId);
      url.searchParams.set("redirect_uri", options.redirectUri);
      for (const [name, value] of Object.entries(params)) {
        url.searchParams.set(name, value);
      }
      url.searchParams.set("state", attempt.state);
      if (attempt.nonce !== null) {
        url.searchParams.set("nonce", attempt.nonce);
      }
      url.searchParams.set(
        "code_challenge",
        await oauth.calculatePKCECodeChallenge(attempt.verifier),
      );
      url.searchParams.set("code_challenge_method", "S256");
      return { url, attempt };
    },
    async exchange(as, callbackUrl, attempt, read) {
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
        return read(response);
      });
    },
  };
}
