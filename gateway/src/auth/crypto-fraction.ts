const fractionBits = new Uint32Array(1);

/**
 * A number in [0, 1) from the CSPRNG. The jitter itself is no secret, but CI refuses a
 * predictable random source anywhere in auth or session code (scripts/security-checks.ts)
 * rather than judge each use.
 */
export function cryptoFraction(): number {
  crypto.getRandomValues(fractionBits);
  return (fractionBits[0] ?? 0) / 2 ** 32;
}
