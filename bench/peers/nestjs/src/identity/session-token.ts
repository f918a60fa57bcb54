import { createHash, timingSafeEqual } from "node:crypto";

// Tokens as Trellis's identity service issues them (Lucia's design): `<id>.<secret>`, 24
// symbols each, and only SHA-256(secret) stored.
const TOKEN = /^([a-km-np-z2-9]{24})\.([a-km-np-z2-9]{24})$/;

export interface SessionToken {
  id: string;
  secret: string;
}

/** The halves of a well-formed token, or null for anything else. */
export function parseSessionToken(value: string): SessionToken | null {
  if (value.length > 100) {
    return null;
  }
  const match = TOKEN.exec(value);
  if (match?.[1] === undefined || match[2] === undefined) {
    return null;
  }
  return { id: match[1], secret: match[2] };
}

/** Whether `secret` hashes to `secretHash`, in time that does not depend on where they differ. */
export function secretMatches(secret: string, secretHash: Buffer): boolean {
  const hash = createHash("sha256").update(secret).digest();
  return hash.length === secretHash.length && timingSafeEqual(hash, secretHash);
}
