import type { Identity } from "./identity.ts";
import { randomToken } from "./random.ts";

const CODE_TTL_MS = 60_000;

/** What the token endpoint must check a code against, and whom it signs in. */
export type Grant = {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  nonce: string | null;
  identity: Identity;
};

export type CodeStore = {
  issue(grant: Grant): string;
  /** Returns the grant once: a code is spent by its first redemption, successful or not. */
  take(code: string): Grant | null;
};

/** One-time authorization codes that expire after 60 s. */
export function createCodeStore(now: () => number): CodeStore {
  const codes = new Map<string, { grant: Grant; expiresAt: number }>();
  return {
    issue(grant) {
      const code = randomToken();
      codes.set(code, { grant, expiresAt: now() + CODE_TTL_MS });
      return code;
    },
    take(code) {
      const entry = codes.get(code);
      codes.delete(code);
      if (entry === undefined || now() >= entry.expiresAt) {
        return null;
      }
      return entry.grant;
    },
  };
}
