import { afterAll, expect, test } from "bun:test";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JWK, jwtVerify } from "jose";
import { type IdTokenFaults, type ProviderFaults, withClaimFaults } from "./faults.ts";
import { serveFakeProvider } from "./serve.ts";
import { CLIENT_ID, CLIENT_SECRET, signedInTokens } from "./testing.ts";

const running: { stop(): Promise<void> }[] = [];
afterAll(() => Promise.all(running.map((provider) => provider.stop())));

/** A provider with `faults`, and the ID token its Google issues after a default sign-in. */
async function idTokenFrom(faults: ProviderFaults): Promise<{ token: string; keys: JWK[] }> {
  const provider = serveFakeProvider({
    port: 0,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    faults,
  });
  running.push(provider);
  const { id_token = "" } = await signedInTokens(provider.issuerBase, "google");
  const jwks = (await (await fetch(`${provider.issuerBase}/google/jwks`)).json()) as {
    keys: JWK[];
  };
  return { token: id_token, keys: jwks.keys };
}

const claimFaults: { name: string; faults?: IdTokenFaults; want: Record<string, unknown> }[] = [
  { name: "replaces a claim", faults: { claims: { aud: "x" } }, want: { sub: "1", aud: "x" } },
  { name: "adds a claim", faults: { claims: { exp: 5 } }, want: { sub: "1", aud: "c", exp: 5 } },
  { name: "leaves out a null claim", faults: { claims: { sub: null } }, want: { aud: "c" } },
  { name: "changes nothing without faults", want: { sub: "1", aud: "c" } },
];

test.each(claimFaults)("withClaimFaults $name", ({ faults, want }) => {
  expect(withClaimFaults({ sub: "1", aud: "c" }, faults)).toEqual(want);
});

test("an ID token carries the faulty claims and keeps the rest", async () => {
  const { token } = await idTokenFrom({ idToken: { claims: { aud: "another", sub: null } } });

  const claims = decodeJwt(token);

  expect(claims.aud).toBe("another");
  expect(claims.sub).toBeUndefined();
  expect(claims).toMatchObject({ azp: CLIENT_ID, iss: expect.stringMatching(/\/google$/) });
});

test("a token signed by an unpublished key names the published kid and fails verification", async () => {
  const { token, keys } = await idTokenFrom({ idToken: { signWithUnpublishedKey: true } });

  expect(decodeProtectedHeader(token).kid).toBe(keys[0]?.kid);
  await expect(jwtVerify(token, createLocalJWKSet({ keys }))).rejects.toMatchObject({
    code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
  });
});

test("the discovery document names the faulty issuer", async () => {
  const provider = serveFakeProvider({
    port: 0,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    faults: { discoveryIssuer: "https://issuer.example" },
  });
  running.push(provider);

  const response = await fetch(`${provider.issuerBase}/dev/.well-known/openid-configuration`);

  expect(await response.json()).toMatchObject({
    issuer: "https://issuer.example",
    token_endpoint: `${provider.issuerBase}/dev/token`,
  });
});
