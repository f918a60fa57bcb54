import { json } from "./http.ts";
import type { Identity } from "./identity.ts";
import type { TokenStore } from "./tokens.ts";

/** The identity behind the request's bearer token, or a 401 that says why (RFC 6750 3). */
export function identityFromBearer(request: Request, tokens: TokenStore): Identity | Response {
  const header = request.headers.get("authorization") ?? "";
  const [scheme, token] = header.split(" ");
  if (scheme?.toLowerCase() !== "bearer" || token === undefined || token === "") {
    return unauthorized('Bearer realm="fake-oauth-provider"', "missing bearer token");
  }
  const identity = tokens.find(token);
  if (identity === null) {
    return unauthorized(
      'Bearer realm="fake-oauth-provider", error="invalid_token"',
      "unknown or expired access token",
    );
  }
  return identity;
}

function unauthorized(challenge: string, message: string): Response {
  return json({ error: "invalid_token", error_description: message }, 401, {
    "www-authenticate": challenge,
  });
}
