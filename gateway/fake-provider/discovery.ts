/** The OpenID Provider metadata of an issuer (OpenID Connect Discovery 1.0). */
export function discoveryDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
    scopes_supported: ["openid", "email", "profile"],
    claims_supported: [
      "iss",
      "aud",
      "sub",
      "iat",
      "exp",
      "nonce",
      "azp",
      "name",
      "email",
      "email_verified",
      "picture",
    ],
    // The redirect carries iss (RFC 9207), so clients can reject a mix-up between providers.
    authorization_response_iss_parameter_supported: true,
  };
}
