/**
 * Ways a test makes the fake misbehave, so that a client's refusals can be tested against a real
 * provider over HTTP. Test-only: they are fixed when the provider is created (createFakeProvider
 * or serveFakeProvider); main.ts sets none and no request can change them, so "Dev login" always
 * gets a well-behaved provider.
 */
export type ProviderFaults = {
  /** Applied to every ID token the OIDC providers (`/google`, `/dev`) issue. */
  idToken?: IdTokenFaults;
  /** The `issuer` the OIDC discovery documents name instead of their own. */
  discoveryIssuer?: string;
};

export type IdTokenFaults = {
  /**
   * Claims that replace the real ones after they are set (iss, aud, nonce, exp, ...); null leaves
   * a claim out, e.g. `{ sub: null }`.
   */
  claims?: Record<string, string | number | null>;
  /** Signs with a fresh key the JWK set does not publish, under the published key's kid. */
  signWithUnpublishedKey?: boolean;
};

/** `claims` with the faults' replacements applied. */
export function withClaimFaults(
  claims: Record<string, unknown>,
  faults: IdTokenFaults = {},
): Record<string, unknown> {
  const result = { ...claims };
  for (const [name, value] of Object.entries(faults.claims ?? {})) {
    if (value === null) {
      delete result[name];
    } else {
      result[name] = value;
    }
  }
  return result;
}
