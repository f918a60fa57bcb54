import { SignJWT } from "jose";
import { oidcClaims } from "./claims.ts";
import type { Grant } from "./codes.ts";
import { type IdTokenFaults, withClaimFaults } from "./faults.ts";
import { createSigningKey, type SigningKey } from "./keys.ts";

const ID_TOKEN_TTL_S = 300;

/**
 * Signs the RS256 ID token for a redeemed code, echoing the authorize request's nonce. `faults`
 * (tests only) make it a token a client must refuse.
 */
export async function signIdToken(
  grant: Grant,
  settings: { issuer: string; key: SigningKey; nowSeconds: number; faults?: IdTokenFaults },
): Promise<string> {
  const { issuer, key, nowSeconds, faults } = settings;
  const claims = withClaimFaults(
    {
      ...oidcClaims(grant.identity),
      // Google sets azp; clients may check it when aud has one value.
      azp: grant.clientId,
      ...(grant.nonce === null ? {} : { nonce: grant.nonce }),
      iss: issuer,
      aud: grant.clientId,
      iat: nowSeconds,
      exp: nowSeconds + ID_TOKEN_TTL_S,
    },
    faults,
  );
  const signingKey = faults?.signWithUnpublishedKey ? await createSigningKey() : key;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: key.publicJwk.kid, typ: "JWT" })
    .sign(signingKey.privateKey);
}
