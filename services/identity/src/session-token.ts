import { sha256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";

/** A session token's two halves; the client holds `<id>.<secret>`. */
export interface SessionToken {
  id: string;
  secret: string;
}

// Lucia's alphabet: lower case and digits without l, o, 0 and 1, which read alike. 32 symbols,
// so each random byte's top 5 bits pick one without bias.
const ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
const PART_LENGTH = 24;
const TOKEN = /^([a-km-np-z2-9]{24})\.([a-km-np-z2-9]{24})$/;
/** Longer input is refused before any other work; a real token has 49 characters. */
const MAX_TOKEN_LENGTH = 100;

/** A fresh token: two parts of 24 symbols, 120 bits of entropy each. */
export function newSessionToken(): SessionToken {
  return { id: randomPart(), secret: randomPart() };
}

export function formatSessionToken(token: SessionToken): string {
  return `${token.id}.${token.secret}`;
}

/** The halves of a well-formed token, or null for anything else. Never throws. */
export function parseSessionToken(value: string): SessionToken | null {
  if (value.length > MAX_TOKEN_LENGTH) {
    return null;
  }
  const match = TOKEN.exec(value);
  if (match?.[1] === undefined || match[2] === undefined) {
    return null;
  }
  return { id: match[1], secret: match[2] };
}

/** What the database keeps instead of the secret. */
export function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret));
}

/** Whether `secret` hashes to `secretHash`, in time that does not depend on where they differ. */
export function secretMatches(secret: string, secretHash: Uint8Array): boolean {
  return constantTimeEqual(hashSecret(secret), secretHash);
}

function randomPart(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(PART_LENGTH));
  let part = "";
  for (const byte of bytes) {
    part += ALPHABET[byte >> 3];
  }
  return part;
}
