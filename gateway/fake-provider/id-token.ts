import { SignJWT } from "jose";
import { oidcClaims } from "./claims.ts";
import type { Grant } from "./codes.ts";
import type { SigningKey } from "./keys.ts";

const ID_TOKEN_TTL_S = 300;

/** Signs the RS256 ID token for a redeemed code, echoing the authorize request's nonce. */
export function signIdToken(
  grant: Grant,
  settings: { issuer: string; key: SigningKey; nowSeconds: number },
): Promise<string> {
  const { issuer, key, nowSeconds } = settings;
  return new SignJWT({
    ...oidcClaims(grant.identity),
    // Google sets azp; clients may check it when aud has one value.
    azp: grant.clientId,
    ...(grant.nonce === null ? {} : { nonce: grant.nonce }),
  })
    .setProtectedHeader({ alg: "RS256", kid: key.publicJwk.kid, typ: "JWT" })
    .setIssuer(issuer)
    .setAudience(grant.clientId)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ID_TOKEN_TTL_S)
    .sign(key.privateKey);
}
