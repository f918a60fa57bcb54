/**
 * The caller keys tests share between the clients they sign with and the servers they start,
 * as the settings carry them. Committed, so anyone can mint tokens with them: a service or
 * gateway whose MODE is production refuses them (config.ts).
 */
export const testCallerKeys: { signingKey: string; publicKeys: string } = {
  /** CALLER_SIGNING_KEY of the gateway, or of a test's client. */
  signingKey: "trellis-test-1:MC4CAQAwBQYDK2VwBCIEIKiRZ2rTZ9wM3K1BGn9TiA2Eru28cZ1Pr0bdI5M25b--",
  /** CALLER_PUBLIC_KEYS of a service. */
  publicKeys: "trellis-test-1:FqYKc5X63r6ZhoO2aClrsiljZDvlnbmpxhax-hsNwy0",
};
