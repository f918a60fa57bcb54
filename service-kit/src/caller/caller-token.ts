import { type CryptoKey, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { CallerPublicKey, CallerSigningKey } from "./caller-keys.ts";

// A caller token is a JWT (RFC 7519) signed with Ed25519 (EdDSA, RFC 8037) by the gateway:
//   header  { alg: "EdDSA", kid, typ: "trellis-caller+jwt" }
//   claims  { iss: "trellis-gateway", sub: <user id | "gateway">, aud: <service, e.g.
//             trellis.notes.v1.NotesService>, rpc: <full method, /pkg.Service/Method>, iat, exp }
// jose (already the gateway's OIDC library) does the encoding and the standard claim checks; the
// audience and method binding make a captured token useless for any other call.
const TOKEN_TYPE = "trellis-caller+jwt";
const ISSUER = "trellis-gateway";
/** Longer than any token the kit mints lives (30 to 40 s); a later expiry is refused. */
export const MAX_TOKEN_LIFETIME_SECONDS = 45;
/** Clocks of the gateway's and a service's hosts may differ this much. */
const CLOCK_TOLERANCE_SECONDS = 5;
/** Kit tokens are about 400 characters; anything far longer is not one. */
const MAX_TOKEN_LENGTH = 2_048;

/** What a caller token vouches for. */
export interface CallerClaims {
  /** A user id, or the gateway's own identity. */
  subject: string;
  /** The full service name the token is for. */
  audience: string;
  /** The one RPC the token is for, as its path: `/pkg.Service/Method`. */
  method: string;
}

export interface ImportedSigningKey {
  kid: string;
  key: CryptoKey;
}

export async function importSigningKey(signing: CallerSigningKey): Promise<ImportedSigningKey> {
  const key = await crypto.subtle.importKey("pkcs8", signing.pkcs8, "Ed25519", false, ["sign"]);
  return { kid: signing.kid, key };
}

export async function importPublicKeys(keys: CallerPublicKey[]): Promise<Map<string, CryptoKey>> {
  const imported = await Promise.all(
    keys.map(
      async ({ kid, raw }) =>
        [kid, await crypto.subtle.importKey("raw", raw, "Ed25519", false, ["verify"])] as const,
    ),
  );
  return new Map(imported);
}

/** Mints a token for `claims`, issued at and expiring at the given unix seconds. */
export function signCallerToken(
  signing: ImportedSigningKey,
  claims: CallerClaims,
  times: { issuedAt: number; expires: number },
): Promise<string> {
  return new SignJWT({ rpc: claims.method })
    .setProtectedHeader({ alg: "EdDSA", kid: signing.kid, typ: TOKEN_TYPE })
    .setIssuer(ISSUER)
    .setSubject(claims.subject)
    .setAudience(claims.audience)
    .setIssuedAt(times.issuedAt)
    .setExpirationTime(times.expires)
    .sign(signing.key);
}

/**
 * The subject and expiry of a token that a listed key signed for exactly this audience and
 * method, and that is live at `nowMs` with a lifetime no longer than the kit's. Rejects
 * otherwise; the reason is for logs and tests only, never for the caller.
 */
export async function verifyCallerToken(
  token: string,
  keys: Map<string, CryptoKey>,
  expected: { audience: string; method: string },
  nowMs: number,
): Promise<{ subject: string; expiresMs: number }> {
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new Error("token too long");
  }
  const { payload } = await jwtVerify(
    token,
    ({ kid }) => {
      const key = kid === undefined ? undefined : keys.get(kid);
      if (key === undefined) {
        throw new Error("unknown kid");
      }
      return key;
    },
    {
      algorithms: ["EdDSA"],
      typ: TOKEN_TYPE,
      issuer: ISSUER,
      audience: expected.audience,
      currentDate: new Date(nowMs),
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: MAX_TOKEN_LIFETIME_SECONDS,
      requiredClaims: ["sub", "exp", "iat", "rpc"],
    },
  );
  return { subject: checkedSubject(payload, expected.method, nowMs), expiresMs: expiryMs(payload) };
}

function checkedSubject(payload: JWTPayload, method: string, nowMs: number): string {
  if (payload.rpc !== method) {
    throw new Error("token is for another method");
  }
  const { exp = 0, iat = 0, sub } = payload;
  // jose bounds the age; a token minted to outlive the kit's lifetime is refused here.
  const lifetime = MAX_TOKEN_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS;
  if (exp - iat > MAX_TOKEN_LIFETIME_SECONDS || exp * 1000 - nowMs > lifetime * 1000) {
    throw new Error("token expires too far in the future");
  }
  if (typeof sub !== "string") {
    throw new Error("token has no subject");
  }
  return sub;
}

function expiryMs(payload: JWTPayload): number {
  return (payload.exp ?? 0) * 1000;
}
