import { expect, test } from "bun:test";
import { Metadata } from "@grpc/grpc-js";
import { mintCallerToken, testCallerKeys } from "@trellis/testing";
import { SignJWT } from "jose";
import { callerSigner, callerVerifier, GATEWAY_SUBJECT } from "../src/caller/caller.ts";
import {
  generateCallerKeys,
  parsePublicKeys,
  parseSigningKey,
  publicKeyOf,
} from "../src/caller/caller-keys.ts";
import { AppError } from "../src/errors.ts";

const USER_ID = "0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69";
const SERVICE = "trellis.notes.v1.NotesService";
const METHOD = `/${SERVICE}/GetNote`;
const NOW_S = Math.floor(Date.parse("2026-11-23T12:00:00Z") / 1000);
const NOW = NOW_S * 1000;
const trusted = parsePublicKeys(testCallerKeys.publicKeys);
const invalid = "UNAUTHENTICATED: invalid caller identity (x-trellis-caller metadata)";

function withHeader(value: string | undefined): Metadata {
  const metadata = new Metadata();
  if (value !== undefined) {
    metadata.set("x-trellis-caller", value);
  }
  return metadata;
}

async function outcome(
  token: string | undefined,
  options: { verify?: ReturnType<typeof callerVerifier>; method?: string; nowMs?: number } = {},
): Promise<string> {
  const verify = options.verify ?? callerVerifier(trusted, SERVICE);
  try {
    return await verify(withHeader(token), options.method ?? METHOD, options.nowMs ?? NOW);
  } catch (error) {
    return error instanceof AppError ? `${error.code}: ${error.message}` : String(error);
  }
}

const mint = (overrides: Partial<Parameters<typeof mintCallerToken>[0]> = {}) =>
  mintCallerToken({ subject: USER_ID, method: METHOD, issuedAt: NOW_S, ...overrides });
const otherKeys = generateCallerKeys("trellis-test-1");
const signed = await mint();

// A token the kit would never mint, signed with an algorithm services must not accept.
const unsignedJwt = [
  Buffer.from(JSON.stringify({ alg: "none", typ: "trellis-caller+jwt" })).toString("base64url"),
  signed.split(".")[1],
  "",
].join(".");
const hmacWithPublicKey = await new SignJWT({ rpc: METHOD })
  .setProtectedHeader({ alg: "HS256", kid: "trellis-test-1", typ: "trellis-caller+jwt" })
  .setIssuer("trellis-gateway")
  .setSubject(USER_ID)
  .setAudience(SERVICE)
  .setIssuedAt(NOW_S)
  .setExpirationTime(NOW_S + 30)
  .sign(trusted[0]?.raw ?? new Uint8Array(32));

const cases = [
  { name: "accepts a user's token for this service and method", token: signed, want: USER_ID },
  {
    name: "accepts the gateway's own identity",
    token: await mint({ subject: GATEWAY_SUBJECT }),
    want: GATEWAY_SUBJECT,
  },
  {
    name: "refuses a call with no token",
    token: undefined,
    want: "UNAUTHENTICATED: missing caller identity (x-trellis-caller metadata)",
  },
  {
    name: "refuses a token signed with another key under a trusted kid",
    token: await mint({ signingKey: otherKeys.signingKey }),
    want: invalid,
  },
  {
    name: "refuses a token for another service",
    token: await mint({ audience: "trellis.identity.v1.IdentityService" }),
    want: invalid,
  },
  {
    name: "refuses a token for another method of this service",
    token: await mint({ method: `/${SERVICE}/DeleteNote`, audience: SERVICE }),
    want: invalid,
  },
  {
    name: "refuses an expired token",
    token: await mint({ issuedAt: NOW_S - 40, expires: NOW_S - 10 }),
    want: invalid,
  },
  {
    name: "refuses a far-future expiry, however it was signed",
    token: await mint({ expires: NOW_S + 3_600 }),
    want: invalid,
  },
  {
    name: "refuses a token issued in the future",
    token: await mint({ issuedAt: NOW_S + 60, expires: NOW_S + 90 }),
    want: invalid,
  },
  {
    name: "refuses a subject that is neither a user id nor the gateway",
    token: await mint({ subject: "admin" }),
    want: invalid,
  },
  {
    name: "refuses an upper-case user id",
    token: await mint({ subject: USER_ID.toUpperCase() }),
    want: invalid,
  },
  { name: "refuses alg none", token: unsignedJwt, want: invalid },
  { name: "refuses HS256 keyed with the public key", token: hmacWithPublicKey, want: invalid },
  { name: "refuses extra parts", token: `${signed}.x`, want: invalid },
  { name: "refuses a huge value", token: "e".repeat(100_000), want: invalid },
];

test.each(cases)("$name", async ({ token, want }) => {
  expect(await outcome(token)).toBe(want);
});

// The remembering verifier must answer exactly as a fresh one, even once it holds the genuine
// token the forgeries were made from.
test.each(cases)("remembering verifier: $name", async ({ token, want }) => {
  const verify = callerVerifier(trusted, SERVICE);
  expect(await outcome(signed, { verify })).toBe(USER_ID);

  expect(await outcome(token, { verify })).toBe(want);
});

// 36 s: past its 30 s life and the 5 s allowed for clocks that differ.
test("a remembered token is refused on another method and once it has expired", async () => {
  const verify = callerVerifier(trusted, SERVICE);
  expect(await outcome(signed, { verify })).toBe(USER_ID);

  expect(await outcome(signed, { verify, method: `/${SERVICE}/DeleteNote` })).toBe(invalid);
  expect(await outcome(signed, { verify, nowMs: NOW + 36_000 })).toBe(invalid);
});

test("a service holds only public keys: they cannot be read as a signing key", () => {
  expect(() => parseSigningKey(testCallerKeys.publicKeys)).toThrow(
    "must be <kid>:<base64url Ed25519 PKCS#8 private key>",
  );
});

test("during a rotation services accept the old key and the new one", async () => {
  const next = generateCallerKeys("next");
  const rotating = parsePublicKeys(`${testCallerKeys.publicKeys},${next.publicKey}`);
  const verify = callerVerifier(rotating, SERVICE);

  expect(await outcome(signed, { verify })).toBe(USER_ID);
  expect(await outcome(await mint({ signingKey: next.signingKey }), { verify })).toBe(USER_ID);
  expect(await outcome(await mint({ signingKey: next.signingKey }))).toBe(invalid);
});

test("a token lives at least 30 s and at most 40 s, and names its service and method", async () => {
  const token = await callerSigner(parseSigningKey(testCallerKeys.signingKey))(
    USER_ID,
    METHOD,
    NOW + 3_000,
  );
  const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());

  expect(claims).toMatchObject({ sub: USER_ID, aud: SERVICE, rpc: METHOD, iat: NOW_S + 3 });
  expect(claims.exp * 1000 - (NOW + 3_000)).toBeGreaterThanOrEqual(30_000);
  expect(claims.exp * 1000 - (NOW + 3_000)).toBeLessThanOrEqual(40_000);
});

test("the signer reuses a (subject, method) token within an expiry step, and signs anew after", async () => {
  const sign = callerSigner(parseSigningKey(testCallerKeys.signingKey));
  const first = await sign(USER_ID, METHOD, NOW);

  expect(sign(USER_ID, METHOD, NOW + 1)).toBe(first);
  expect(await sign(USER_ID, `/${SERVICE}/ListNotes`, NOW)).not.toBe(first);
  expect(await sign(GATEWAY_SUBJECT, METHOD, NOW)).not.toBe(first);
  const later = await sign(USER_ID, METHOD, NOW + 10_000);
  expect(later).not.toBe(first);
  expect(await outcome(later, { nowMs: NOW + 10_000 })).toBe(USER_ID);
});

test("users' tokens are renewed spread over the step, not all at once", async () => {
  const sign = callerSigner(parseSigningKey(testCallerKeys.signingKey));
  const users = Array.from(
    { length: 100 },
    (_, i) => `0190a1b2-0000-7000-8000-${i.toString(16).padStart(12, "0")}`,
  );
  const expiries = await Promise.all(
    users.map(async (user) => {
      const token = await sign(user, METHOD, NOW);
      const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());
      expect(claims.exp - NOW_S).toBeGreaterThanOrEqual(30);
      expect(claims.exp - NOW_S).toBeLessThanOrEqual(40);
      return claims.exp as number;
    }),
  );
  // One grid for all made every token expire, and every user's next call sign, in one second.
  expect(new Set(expiries).size).toBeGreaterThanOrEqual(8);
});

test("the public key derived from a signing key is the one generated with it", () => {
  const keys = generateCallerKeys("k1");
  expect(publicKeyOf(parseSigningKey(keys.signingKey))).toEqual(
    parsePublicKeys(keys.publicKey)[0] ?? { kid: "", raw: new Uint8Array() },
  );
});

const malformed = [
  { name: "no kid", value: "MC4CAQAwBQYDK2VwBCIEIKiRZ2rTZ9wM3K1BGn9TiA2Eru28cZ1Pr0bdI5M25b--" },
  { name: "a kid with a space", value: "a b:AAAA" },
  { name: "not base64url", value: "k1:MC4C+/==" },
  { name: "a key of the wrong length", value: "k1:AAAA" },
];
test.each(malformed)("a signing key with $name is refused, without echoing it", ({ value }) => {
  let message = "";
  try {
    parseSigningKey(value);
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
  }
  expect(message).toStartWith("must be <kid>:<base64url");
  expect(message).not.toContain(value);
});

test.each([
  { name: "no key", value: " , " },
  {
    name: "four keys",
    value: Array.from({ length: 4 }, (_, i) => `k${i}:${"A".repeat(43)}`).join(),
  },
  { name: "a repeated kid", value: `k1:${"A".repeat(43)},k1:${"B".repeat(43)}` },
  { name: "a private key", value: testCallerKeys.signingKey },
])("public keys with $name are refused", ({ value }) => {
  expect(() => parsePublicKeys(value)).toThrow();
});
