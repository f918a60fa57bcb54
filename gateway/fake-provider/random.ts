import { base64url } from "jose";

/** 256 random bits, base64url: unguessable codes and access tokens. */
export function randomToken(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
}
