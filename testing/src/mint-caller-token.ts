import { parseSigningKey } from "@trellis/service-kit";
import { importSigningKey, signCallerToken } from "@trellis/service-kit/harness";
import { testCallerKeys } from "./caller-keys.ts";

/**
 * A caller token with whatever claims and times a test wants, signed with `signingKey` (the
 * test key by default): the tokens an attacker would try, for tests that show each is refused.
 */
export async function mintCallerToken(options: {
  subject: string;
  /** The full method path; the audience defaults to its service. */
  method: string;
  audience?: string;
  /** Unix seconds; now by default. */
  issuedAt?: number;
  /** Unix seconds; 30 s after issuedAt by default. */
  expires?: number;
  /** CALLER_SIGNING_KEY format. */
  signingKey?: string;
}): Promise<string> {
  const key = await importSigningKey(
    parseSigningKey(options.signingKey ?? testCallerKeys.signingKey),
  );
  const issuedAt = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const audience = options.audience ?? options.method.slice(1, options.method.lastIndexOf("/"));
  return signCallerToken(
    key,
    { subject: options.subject, audience, method: options.method },
    { issuedAt, expires: options.expires ?? issuedAt + 30 },
  );
}
