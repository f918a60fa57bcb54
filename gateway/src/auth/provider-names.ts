/**
 * Every sign-in provider the gateway knows, in the order the sign-in page offers them. The one
 * list: the provider type, the login cookie's check, `/auth/providers` and its OpenAPI schema
 * (which types the web app) all derive from it.
 */
export const providerNames = ["github", "google", "dev"] as const;

export type ProviderName = (typeof providerNames)[number];

/** The providers found by OpenID Connect discovery; GitHub speaks plain OAuth 2.0. */
export type OidcProviderName = Exclude<ProviderName, "github">;

export function isProviderName(value: unknown): value is ProviderName {
  return providerNames.some((name) => name === value);
}
