import * as oauth from "oauth4webapi";
import type { GithubConfig } from "../config.ts";
import { createCodeFlow } from "./code-flow.ts";
import { LoginError } from "./login-error.ts";
import type { OAuthProvider, ProviderOptions, ProviderProfile } from "./oauth-provider.ts";

interface GithubUser {
  id: number;
  login: string;
  name: string | null;
  email: string | null;
  avatar_url: string | null;
}

/** GitHub's OAuth app flow (plain OAuth 2.0 with PKCE; no ID token), keyed on the numeric id. */
export function githubProvider(config: GithubConfig, options: ProviderOptions): OAuthProvider {
  const as: oauth.AuthorizationServer = {
    issuer: "https://github.com",
    authorization_endpoint: config.authorizeUrl,
    token_endpoint: config.tokenUrl,
  };
  const flow = createCodeFlow(config, options);

  return {
    name: "github",
    start: () => flow.start(config.authorizeUrl, { scope: "read:user user:email" }, false),
    finish(callbackUrl, attempt) {
      return flow.exchange(as, callbackUrl, attempt, async (response) => {
        const tokens = await oauth.processAuthorizationCodeResponse(as, flow.client, response);
        return readProfile(config.apiUrl, tokens.access_token, options.timeoutMs);
      });
    },
  };
}

async function readProfile(
  apiUrl: string,
  accessToken: string,
  timeoutMs: number,
): Promise<ProviderProfile> {
  const response = await fetch(`${apiUrl}/user`, {
    headers: {
      authorization: `Bearer ${accessToken}`,
      accept: "application/vnd.github+json",
      // GitHub's API refuses requests without a User-Agent.
      "user-agent": "trellis-gateway",
    },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) {
    throw new LoginError("exchange", `GitHub profile request failed (${response.status})`);
  }
  const user = (await response.json()) as GithubUser;
  if (!Number.isSafeInteger(user.id) || user.id <= 0) {
    throw new LoginError("exchange", "GitHub returned a profile without a numeric id");
  }
  return {
    providerUserId: String(user.id),
    name: user.name ?? user.login,
    email: user.email ?? "",
    avatarUrl: user.avatar_url ?? "",
  };
}
