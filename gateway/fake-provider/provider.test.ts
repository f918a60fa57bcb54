import { afterAll, expect, test } from "bun:test";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  endpoints,
  PROVIDERS,
  type ProviderName,
  signedInTokens,
  startTestProvider,
} from "./testing.ts";

const provider = startTestProvider();
afterAll(() => provider.stop());

test.each(["google", "dev"])("%s publishes a discovery document for its issuer", async (name) => {
  const issuer = `${provider.issuerBase}/${name}`;

  const response = await fetch(`${issuer}/.well-known/openid-configuration`);

  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ["code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
    scopes_supported: expect.arrayContaining(["openid", "email", "profile"]),
    grant_types_supported: ["authorization_code"],
  });
});

test.each(["google", "dev"])("%s publishes only the public half of its key", async (name) => {
  const response = await fetch(`${provider.issuerBase}/${name}/jwks`);
  const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };

  expect(keys).toEqual([
    {
      kty: "RSA",
      n: expect.any(String),
      e: "AQAB",
      kid: expect.any(String),
      alg: "RS256",
      use: "sig",
    },
  ]);
});

/** An access token of `name`, from a real sign-in. */
async function accessToken(name: ProviderName): Promise<string> {
  return (await signedInTokens(provider.issuerBase, name)).access_token ?? "";
}

const otherProvider: Record<ProviderName, ProviderName> = {
  github: "google",
  google: "dev",
  dev: "github",
};

type UserinfoRow = {
  name: string;
  authorization: (name: ProviderName) => Promise<string | null>;
  advanceMs?: number;
  status: number;
};

const userinfoRows: UserinfoRow[] = [
  {
    name: "answers a valid token",
    authorization: async (n) => `Bearer ${await accessToken(n)}`,
    status: 200,
  },
  { name: "refuses a missing token", authorization: async () => null, status: 401 },
  { name: "refuses an unknown token", authorization: async () => "Bearer made-up", status: 401 },
  {
    name: "refuses a token from another provider",
    authorization: async (n) => `Bearer ${await accessToken(otherProvider[n])}`,
    status: 401,
  },
  {
    name: "refuses client credentials instead of a token",
    authorization: async () => `Basic ${btoa(`${CLIENT_ID}:${CLIENT_SECRET}`)}`,
    status: 401,
  },
  {
    name: "refuses a token older than 10 minutes",
    authorization: async (n) => `Bearer ${await accessToken(n)}`,
    advanceMs: 600_000,
    status: 401,
  },
];

const userinfoCases = PROVIDERS.flatMap((name) =>
  userinfoRows.map((row) => ({ ...row, provider: name })),
);

test.each(userinfoCases)("$provider user endpoint $name", async (row) => {
  const authorization = await row.authorization(row.provider);
  provider.advanceClock(row.advanceMs ?? 0);

  const response = await fetch(endpoints(provider.issuerBase, row.provider).user, {
    headers: authorization === null ? {} : { authorization },
  });

  expect(response.status).toBe(row.status);
  if (row.status === 401) {
    // RFC 6750 3: oauth4webapi reads this challenge and reports it to the gateway.
    expect(response.headers.get("www-authenticate")).toStartWith("Bearer ");
  }
});

test.each([
  { name: "an unknown path", method: "GET", path: "/google/nope", status: 404 },
  {
    name: "a path outside every provider",
    method: "GET",
    path: "/login/oauth/authorize",
    status: 404,
  },
  { name: "a GET to the token endpoint", method: "GET", path: "/google/token", status: 405 },
  { name: "a POST to the JWK set", method: "POST", path: "/dev/jwks", status: 405 },
])("answers $name with $status", async ({ method, path, status }) => {
  const response = await fetch(`${provider.issuerBase}${path}`, { method });

  expect(response.status).toBe(status);
  expect(await response.json()).toMatchObject({ error: expect.any(String) });
});

test("serves the default avatar locally", async () => {
  const response = await fetch(`${provider.issuerBase}/avatar.svg`);

  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("image/svg+xml");
});
