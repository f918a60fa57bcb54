import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";

// The caller keys as settings carry them: `<kid>:<base64url>`, one line each, no PEM newlines to
// quote in .env files and compose. The gateway holds the Ed25519 private key (PKCS#8); services
// hold only public keys (raw, 32 bytes), so no service can mint a caller token.

/** The gateway's key for signing caller tokens (CALLER_SIGNING_KEY). */
export interface CallerSigningKey {
  kid: string;
  /** The Ed25519 private key as PKCS#8 DER. */
  pkcs8: Uint8Array<ArrayBuffer>;
}

/** A key services accept caller tokens from (one entry of CALLER_PUBLIC_KEYS). */
export interface CallerPublicKey {
  kid: string;
  /** The Ed25519 public key, raw (32 bytes). */
  raw: Uint8Array<ArrayBuffer>;
}

/** During a rotation services accept the old key and the new one; a third covers a rollback. */
export const MAX_CALLER_PUBLIC_KEYS = 3;

const KID = /^[A-Za-z0-9._-]{1,64}$/;
// Every Ed25519 PKCS#8 key is this fixed ASN.1 header followed by the 32-byte seed (RFC 8410).
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * Parses CALLER_SIGNING_KEY. Throws an Error whose message states the rule, never the value:
 * it is a secret.
 */
export function parseSigningKey(value: string): CallerSigningKey {
  const [kid, bytes] = splitKey(value);
  if (bytes.length !== PKCS8_PREFIX.length + 32 || !PKCS8_PREFIX.equals(bytes.subarray(0, 16))) {
    throw new Error("must be <kid>:<base64url Ed25519 PKCS#8 private key> (bun run caller-keys)");
  }
  return { kid, pkcs8: new Uint8Array(bytes) };
}

/** Parses CALLER_PUBLIC_KEYS: one to three `<kid>:<base64url raw key>`, comma-separated. */
export function parsePublicKeys(value: string): CallerPublicKey[] {
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0 || entries.length > MAX_CALLER_PUBLIC_KEYS) {
    throw new Error(`must list 1 to ${MAX_CALLER_PUBLIC_KEYS} keys, comma-separated`);
  }
  const keys = entries.map((entry) => {
    const [kid, raw] = splitKey(entry);
    if (raw.length !== 32) {
      throw new Error("each key must be <kid>:<base64url raw Ed25519 public key>");
    }
    return { kid, raw: new Uint8Array(raw) };
  });
  if (new Set(keys.map((key) => key.kid)).size !== keys.length) {
    throw new Error("each key needs a kid of its own");
  }
  return keys;
}

// The public half of the kit's test key pair (testing/caller-keys.ts). Its private half is
// committed, so anyone can mint tokens with it.
const TEST_PUBLIC_KEY = "FqYKc5X63r6ZhoO2aClrsiljZDvlnbmpxhax-hsNwy0";

/** True for the repository's test key pair, which production must refuse. */
export function isTestCallerKey(key: CallerPublicKey): boolean {
  return Buffer.from(key.raw).equals(Buffer.from(TEST_PUBLIC_KEY, "base64url"));
}

/** A new key pair as the two settings hold it: the gateway's, and the services' entry. */
export function generateCallerKeys(kid: string): { signingKey: string; publicKey: string } {
  if (!KID.test(kid)) {
    throw new Error("a kid is 1 to 64 of A-Z a-z 0-9 . _ -");
  }
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  return {
    signingKey: `${kid}:${pkcs8.toString("base64url")}`,
    publicKey: `${kid}:${raw.toString("base64url")}`,
  };
}

/** The public half of a signing key, as services would list it. */
export function publicKeyOf(key: CallerSigningKey): CallerPublicKey {
  const privateKey = createPrivateKey({
    key: Buffer.from(key.pkcs8),
    format: "der",
    type: "pkcs8",
  });
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return { kid: key.kid, raw: new Uint8Array(spki.subarray(-32)) };
}

function splitKey(value: string): [string, Buffer] {
  const colon = value.indexOf(":");
  const kid = value.slice(0, colon);
  const encoded = value.slice(colon + 1);
  if (colon < 1 || !KID.test(kid) || !/^[A-Za-z0-9_-]+$/.test(encoded)) {
    throw new Error("must be <kid>:<base64url key>, the kid being 1 to 64 of A-Z a-z 0-9 . _ -");
  }
  return [kid, Buffer.from(encoded, "base64url")];
}
