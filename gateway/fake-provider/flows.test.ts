// Full sign-ins driven by oauth4webapi, the gateway's OAuth client: if it accepts the fake
// here, the gateway will too.
import { afterAll, expect, test } from "bun:test";
import { createRemoteJWKSet, jwtVerify } from "jose";
import * as oauth from "oauth4webapi";
import { approveSignIn } from "./sign-in.ts";
import { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, startTestProvider } from "./testing.ts";

const provider = startTestProvider();
afterAll(() => provider.stop());

// The fake is plain http on loopback; oauth4webapi allows that only when asked.
const insecure = { [oauth.allowInsecureRequests]: true };
const client: oauth.Client = { client_id: CLIENT_ID };
const clientAuth = {
  client_secret_post: oauth.ClientSecretPost(CLIENT_SECRET),
  client_secret_basic: oauth.ClientSecretBasic(CLIENT_SECRET),
};

async function authorizationUrl(
  as: oauth.AuthorizationServer,
  params: Record<string, string>,
): Promise<{ url: string; verifier: string; state: string }> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint ?? "");
  url.search = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    ...params,
  }).toString();
  return { url: url.href, verifier, state };
}

test.each([{ auth: "client_secret_post" as const }, { auth: "client_secret_basic" as const }])(
  "github: oauth4webapi signs in ($auth) and reads a numeric user id",
  async ({ auth }) => {
    const base = `${provider.issuerBase}/github`;
    const as: oauth.AuthorizationServer = {
      issuer: base,
      authorization_endpoint: `${base}/login/oauth/authorize`,
      token_endpoint: `${base}/login/oauth/access_token`,
    };
    const { url, verifier, state } = await authorizationUrl(as, { scope: "read:user user:email" });
    const location = await approveSignIn(url, { id: "4242", login: "octocat", email: "" });

    const params = oauth.validateAuthResponse(as, client, new URL(location), state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth[auth],
      params,
      REDIRECT_URI,
      verifier,
      insecure,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    const user = await oauth.protectedResourceRequest(
      tokens.access_token,
      "GET",
      new URL(`${base}/api/user`),
      new Headers({ accept: "application/vnd.github+json" }),
      null,
      insecure,
    );

    expect(tokens).toMatchObject({ token_type: "bearer", scope: "read:user user:email" });
    expect(tokens.id_token).toBeUndefined();
    expect(await user.json()).toEqual({
      id: 4242,
      login: "octocat",
      name: "Octo Dev",
      email: null,
      avatar_url: `${provider.issuerBase}/avatar.svg`,
    });
  },
);

const oidcCases = [
  {
    name: "google, client_secret_post, with a nonce",
    provider: "google",
    auth: "client_secret_post" as const,
    nonce: oauth.generateRandomNonce(),
    identity: { id: "google-42", name: "Ada", email: "ada@example.test" },
  },
  {
    name: "google, client_secret_basic, unverified email",
    provider: "google",
    auth: "client_secret_basic" as const,
    nonce: oauth.generateRandomNonce(),
    identity: { id: "google-43", name: "Bea", email: "bea@example.test", emailVerified: false },
  },
  {
    name: "dev, client_secret_basic, without a nonce",
    provider: "dev",
    auth: "client_secret_basic" as const,
    nonce: null,
    identity: { id: "dev-7", name: "Cy", email: "cy@example.test" },
  },
];

test.each(oidcCases)("oidc: oauth4webapi signs in ($name)", async (row) => {
  const issuer = new URL(`${provider.issuerBase}/${row.provider}`);
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, insecure),
  );
  const { url, verifier, state } = await authorizationUrl(as, {
    response_type: "code",
    scope: "openid email profile",
    ...(row.nonce === null ? {} : { nonce: row.nonce }),
  });
  const location = await approveSignIn(url, row.identity);

  // Also checks the RFC 9207 iss parameter, which the discovery document promises.
  const params = oauth.validateAuthResponse(as, client, new URL(location), state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    clientAuth[row.auth],
    params,
    REDIRECT_URI,
    verifier,
    insecure,
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
    requireIdToken: true,
    ...(row.nonce === null ? {} : { expectedNonce: row.nonce }),
  });
  const { payload, protectedHeader } = await jwtVerify(
    tokens.id_token ?? "",
    createRemoteJWKSet(new URL(as.jwks_uri ?? "")),
    { issuer: issuer.href, audience: CLIENT_ID },
  );
  const userinfo = await oauth.processUserInfoResponse(
    as,
    client,
    row.identity.id,
    await oauth.userInfoRequest(as, client, tokens.access_token, insecure),
  );

  const profile = {
    sub: row.identity.id,
    name: row.identity.name,
    email: row.identity.email,
    email_verified: row.identity.emailVerified ?? true,
    picture: `${provider.issuerBase}/avatar.svg`,
  };
  expect(tokens).toMatchObject({ token_type: "bearer", expires_in: 600 });
  expect(protectedHeader.alg).toBe("RS256");
  expect(payload).toMatchObject({ ...profile, iss: issuer.href, aud: CLIENT_ID });
  expect(payload.nonce).toBe(row.nonce ?? undefined);
  expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
  expect(userinfo).toEqual(profile);
});
