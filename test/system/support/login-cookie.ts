/** What the gateway keeps in the `login` cookie between /login and /callback. */
export interface PendingLogin {
  provider: string;
  state: string;
  verifier: string;
  nonce: string | null;
  returnTo: string;
}

/** Reads a `login` cookie value (base64url JSON), as an attacker holding it could. */
export function decodeLoginCookie(value: string): PendingLogin {
  return JSON.parse(Buffer.from(value, "base64url").toString()) as PendingLogin;
}

export function encodeLoginCookie(login: PendingLogin): string {
  return Buffer.from(JSON.stringify(login)).toString("base64url");
}
