import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";

export type SigningKey = {
  privateKey: CryptoKey;
  /** The public half as published in the JWK set, with kid, alg and use. */
  publicJwk: JWK;
};

/**
 * A fresh RS256 key pair. It lives as long as the process: clients fetch the JWK set again
 * after a restart because the new kid is unknown to them.
 */
export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, publicJwk: { ...jwk, kid, alg: "RS256", use: "sig" } };
}
