import type { Identity } from "./identity.ts";
import { randomToken } from "./random.ts";

export const ACCESS_TOKEN_TTL_S = 600;

export type TokenStore = {
  issue(identity: Identity): string;
  find(token: string): Identity | null;
};

/** Opaque bearer access tokens, valid for 10 minutes. */
export function createTokenStore(now: () => number): TokenStore {
  const tokens = new Map<string, { identity: Identity; expiresAt: number }>();
  return {
    issue(identity) {
      const token = randomToken();
      tokens.set(token, { identity, expiresAt: now() + ACCESS_TOKEN_TTL_S * 1000 });
      return token;
    },
    find(token) {
      const entry = tokens.get(token);
      if (entry === undefined) {
        return null;
      }
      if (now() >= entry.expiresAt) {
        tokens.delete(token);
        return null;
      }
      return entry.identity;
    },
  };
}
