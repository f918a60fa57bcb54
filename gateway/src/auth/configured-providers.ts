import type { GatewayConfig } from "../config.ts";
import { githubProvider } from "./github.ts";
import type { OAuthProviders, ProviderOptions } from "./oauth-provider.ts";
import { oidcProvider } from "./oidc.ts";

/** The providers configured in `config`; each redirect_uri is fixed by APP_ORIGIN. */
export function createProviders(config: GatewayConfig): OAuthProviders {
  const options = (name: string): ProviderOptions => ({
    redirectUri: `${config.appOrigin}/auth/${name}/callback`,
    timeoutMs: config.oauthTimeoutMs,
    allowInsecure: config.mode === "development",
  });
  const { github, google, dev } = config.providers;
  return {
    ...(github ? { github: githubProvider(github, options("github")) } : {}),
    ...(google ? { google: oidcProvider("google", google, options("google")) } : {}),
    // loadConfig already refuses a dev provider in production.
    ...(dev && config.mode === "development"
      ? { dev: oidcProvider("dev", dev, options("dev")) }
      : {}),
  };
}
