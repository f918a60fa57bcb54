import { describe, expect, test } from "bun:test";
import { sha256 } from "@oslojs/crypto/sha2";
import fc from "fast-check";
import {
  formatSessionToken,
  hashSecret,
  newSessionToken,
  parseSessionToken,
  type SessionToken,
  secretMatches,
} from "./session-token.ts";
import { NEW_TOKEN, TOKEN, TOKEN_TEXT } from "./testing/fixtures.ts";

const PART = /^[abcdefghijkmnpqrstuvwxyz23456789]{24}$/;

describe("parseSessionToken", () => {
  const cases: { name: string; value: string; want: SessionToken | null }[] = [
    { name: "reads a token it formatted", value: TOKEN_TEXT, want: TOKEN },
    { name: "refuses an empty string", value: "", want: null },
    { name: "refuses a token without a dot", value: `${TOKEN.id}${TOKEN.secret}`, want: null },
    { name: "refuses two dots", value: `${TOKEN.id}..${TOKEN.secret}`, want: null },
    { name: "refuses a third part", value: `${TOKEN_TEXT}.${TOKEN.id}`, want: null },
    { name: "refuses a short id", value: `${TOKEN.id.slice(1)}.${TOKEN.secret}`, want: null },
    { name: "refuses upper case", value: TOKEN_TEXT.toUpperCase(), want: null },
    { name: "refuses a 1 (not in the alphabet)", value: `1${TOKEN_TEXT.slice(1)}`, want: null },
    { name: "refuses an o (not in the alphabet)", value: `o${TOKEN_TEXT.slice(1)}`, want: null },
    { name: "refuses a trailing newline", value: `${TOKEN_TEXT}\n`, want: null },
    { name: "refuses 100 KB", value: TOKEN_TEXT.repeat(2_000), want: null },
  ];
  test.each(cases)("$name", ({ value, want }) => {
    expect(parseSessionToken(value)).toEqual(want);
  });

  test("never throws, and accepts only what formatSessionToken can produce", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (value) => {
        const got = parseSessionToken(value);
        if (got !== null) {
          expect(formatSessionToken(got)).toBe(value);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("newSessionToken", () => {
  const tokens = Array.from({ length: 1_000 }, newSessionToken);

  test("makes 1,000 tokens whose 2,000 parts are all distinct", () => {
    const parts = new Set(tokens.flatMap((token) => [token.id, token.secret]));
    expect(parts.size).toBe(2_000);
  });

  test("makes parts of 24 characters of the alphabet, which parse back", () => {
    for (const token of tokens) {
      expect(token.id).toMatch(PART);
      expect(token.secret).toMatch(PART);
      expect(parseSessionToken(formatSessionToken(token))).toEqual(token);
    }
  });

  test("uses every one of the 32 symbols about equally often", () => {
    const counts = new Map<string, number>();
    for (const char of tokens.flatMap((token) => [...token.id, ...token.secret])) {
      counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    // 48,000 symbols: 1,500 expected each; 1,200..1,800 is more than 7 standard deviations.
    expect(counts.size).toBe(32);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(1_200);
      expect(count).toBeLessThan(1_800);
    }
  });
});

describe("hashSecret and secretMatches", () => {
  test("the stored hash is SHA-256 of the secret's UTF-8 bytes", () => {
    expect(hashSecret(TOKEN.secret)).toEqual(sha256(new TextEncoder().encode(TOKEN.secret)));
    expect(hashSecret(TOKEN.secret)).toHaveLength(32);
  });

  const cases: { name: string; secret: string; hash: Uint8Array; want: boolean }[] = [
    {
      name: "matches its own hash",
      secret: TOKEN.secret,
      hash: hashSecret(TOKEN.secret),
      want: true,
    },
    {
      name: "refuses another secret's hash",
      secret: TOKEN.secret,
      hash: hashSecret(NEW_TOKEN.secret),
      want: false,
    },
    {
      name: "refuses the secret itself as a hash",
      secret: TOKEN.secret,
      hash: new TextEncoder().encode(TOKEN.secret),
      want: false,
    },
    { name: "refuses an empty hash", secret: TOKEN.secret, hash: new Uint8Array(), want: false },
  ];
  test.each(cases)("$name", ({ secret, hash, want }) => {
    expect(secretMatches(secret, hash)).toBe(want);
  });
});
