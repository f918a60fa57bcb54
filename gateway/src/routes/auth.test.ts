import { expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import { encodePendingLogin } from "../auth/login-cookie.ts";
import { LoginError } from "../auth/login-error.ts";
import type { OAuthProvider } from "../auth/oauth-provider.ts";
import { createMemoryRateLimiter } from "../http/rate-limit-memory.ts";
import { fakeIdentity, GOOD_TOKEN, grpcError } from "../testing/fake-clients.ts";
import { fakeProvider, signedIn, testApp } from "../testing/test-app.ts";

const NEW_TOKEN = "newsessionid000000000000.newsecret00000000000000000";

function loginCookie(overrides: Partial<Parameters<typeof encodePendingLogin>[0]> = {}): string {
  const pending = {
    provider: "github" as const,
    state: "s-github",
    verifier: "v",
    nonce: null,
    returnTo: "/notes",
    ...overrides,
  };
  return `__Host-login=${encodePendingLogin(pending)}`;
}

function setCookies(response: Response): string[] {
  return response.headers.getSetCookie();
}

test("login redirects to the provider and keeps the attempt in a short-lived HttpOnly cookie", async () => {
  const { request } = testApp({ providers: { github: fakeProvider("github") } });

  const response = await request("/auth/github/login?returnTo=/notes");
  const [cookie] = setCookies(response);

  expect(response.status).toBe(302);
  expect(response.headers.get("location")).toBe(
    "https://provider.example.com/authorize?state=s-github",
  );
  expect(cookie).toMatch(
    /^__Host-login=[A-Za-z0-9_-]+; Path=\/; Expires=.*; HttpOnly; Secure; SameSite=Lax$/,
  );
});

test("login with an unknown or unconfigured provider is a 404", async () => {
  const { request } = testApp({ providers: { github: fakeProvider("github") } });

  const responses = await Promise.all([request("/auth/google/login"), request("/auth/evil/login")]);

  expect(responses.map((response) => response.status)).toEqual([404, 404]);
});

// The providers are a plain object: a name inherited from Object.prototype must not be found.
test.each(["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"])(
  "/auth/%s/login and its callback are a 404 like any unknown provider",
  async (name) => {
    const { request } = testApp({ providers: { github: fakeProvider("github") } });

    const login = await request(`/auth/${name}/login`);
    const callback = await request(`/auth/${name}/callback?code=c&state=s`);

    expect([login.status, callback.status]).toEqual([404, 404]);
  },
);

const callbacks = [
  {
    name: "a matching state",
    cookie: loginCookie(),
    query: "code=c&state=s-github",
    want: 302,
    signsIn: true,
  },
  {
    name: "no login cookie",
    cookie: "",
    query: "code=c&state=s-github",
    want: 400,
    signsIn: false,
  },
  {
    name: "a state that does not match",
    cookie: loginCookie(),
    query: "code=c&state=forged",
    want: 400,
    signsIn: false,
  },
  {
    name: "a cookie for another provider",
    cookie: loginCookie({ provider: "google" }),
    query: "code=c&state=s-github",
    want: 400,
    signsIn: false,
  },
  {
    name: "a garbled cookie",
    cookie: "__Host-login=%%%",
    query: "code=c&state=s-github",
    want: 400,
    signsIn: false,
  },
];

test.each(callbacks)(
  "callback with $name answers $want",
  async ({ cookie, query, want, signsIn }) => {
    const identity = fakeIdentity();
    const { request } = testApp({ identity, providers: { github: fakeProvider("github") } });

    const response = await request(`/auth/github/callback?${query}`, {
      headers: cookie ? { cookie } : {},
    });
    const cookies = setCookies(response);

    expect(response.status).toBe(want);
    // Single use: the pending login is cleared whatever the outcome.
    expect(cookies.some((line) => /^__Host-login=; .*Expires=Thu, 01 Jan 1970/.test(line))).toBe(
      true,
    );
    expect(cookies.some((line) => line.startsWith(`__Host-session=${NEW_TOKEN};`))).toBe(signsIn);
    expect(identity.calls.some((call) => call.method === "completeOAuthLogin")).toBe(signsIn);
  },
);

test("a successful callback lands on returnTo and passes the provider identity to identity", async () => {
  const identity = fakeIdentity();
  const { request } = testApp({ identity, providers: { github: fakeProvider("github") } });

  const response = await request("/auth/github/callback?code=c&state=s-github", {
    headers: { cookie: loginCookie() },
  });

  expect(response.headers.get("location")).toBe("/notes");
  expect(identity.calls).toEqual([
    {
      method: "completeOAuthLogin",
      request: {
        provider: "github",
        providerUserId: "42",
        name: "Ada",
        email: "ada@example.com",
        avatarUrl: "",
      },
    },
  ]);
});

test("signing in again drops the session the browser already had (no fixation)", async () => {
  const identity = fakeIdentity();
  const { request } = testApp({ identity, providers: { github: fakeProvider("github") } });

  await request("/auth/github/callback?code=c&state=s-github", {
    headers: { cookie: `${loginCookie()}; __Host-session=${GOOD_TOKEN}` },
  });

  expect(identity.calls.map((call) => call.method)).toEqual([
    "deleteSession",
    "completeOAuthLogin",
  ]);
  expect(identity.calls[0]?.request).toEqual({ sessionToken: GOOD_TOKEN });
});

// The previous session must end before a new one starts: when identity cannot delete it (down,
// or the call shed), signing in would leave it alive in identity with nobody meaning to keep it.
test("a sign-in whose previous session cannot be ended fails and starts no new session", async () => {
  const base = fakeIdentity();
  const identity: typeof base = {
    ...base,
    async deleteSession(request) {
      base.calls.push({ method: "deleteSession", request });
      throw grpcError(status.UNAVAILABLE, "connect ECONNREFUSED");
    },
  };
  const { request } = testApp({ identity, providers: { github: fakeProvider("github") } });

  const response = await request("/auth/github/callback?code=c&state=s-github", {
    headers: { cookie: `${loginCookie()}; __Host-session=${GOOD_TOKEN}` },
  });

  expect(response.status).toBe(503);
  expect(identity.calls.map((call) => call.method)).toEqual(["deleteSession"]);
  expect(setCookies(response).some((line) => line.startsWith(`__Host-session=${NEW_TOKEN}`))).toBe(
    false,
  );
});

test("logout deletes the session and expires the cookie", async () => {
  const identity = fakeIdentity();
  const { request } = testApp({ identity });

  const response = await request("/auth/logout", {
    method: "POST",
    headers: { cookie: `__Host-session=${GOOD_TOKEN}`, "sec-fetch-site": "same-origin" },
  });

  expect(response.status).toBe(204);
  // The session is read first (from the cache when it holds it), for the audit line's user id.
  expect(identity.calls).toEqual([
    { method: "validateSession", request: { sessionToken: GOOD_TOKEN } },
    { method: "deleteSession", request: { sessionToken: GOOD_TOKEN } },
  ]);
  expect(
    setCookies(response).some((line) => /^__Host-session=; .*Expires=Thu, 01 Jan 1970/.test(line)),
  ).toBe(true);
});

test("logout ends a session the gateway had cached, at once", async () => {
  const identity = fakeIdentity();
  const { request } = testApp({ identity });
  expect((await request("/api/me", { headers: signedIn() })).status).toBe(200);

  await request("/auth/logout", { method: "POST", headers: signedIn() });
  const after = await request("/api/me", { headers: signedIn() });

  expect(after.status).toBe(401);
  expect(identity.calls.map((call) => call.method)).toEqual([
    "validateSession",
    "deleteSession",
    "validateSession",
  ]);
});

test("logout from another site is refused and keeps the session", async () => {
  const identity = fakeIdentity();
  const { request } = testApp({ identity });

  const response = await request("/auth/logout", {
    method: "POST",
    headers: { cookie: `__Host-session=${GOOD_TOKEN}`, "sec-fetch-site": "cross-site" },
  });

  expect(response.status).toBe(403);
  expect(identity.calls).toEqual([]);
});

test("GET /auth/logout does not exist: signing out changes state", async () => {
  const { request } = testApp();
  expect((await request("/auth/logout")).status).toBe(404);
});

test("too many sign-in attempts answer 429 with Retry-After", async () => {
  const { request } = testApp({
    providers: { github: fakeProvider("github") },
    limiter: createMemoryRateLimiter({ name: "auth", limit: 2, windowSeconds: 60 }),
  });

  const statuses: number[] = [];
  let last: Response | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    last = await request("/auth/github/login");
    statuses.push(last.status);
  }

  expect(statuses).toEqual([302, 302, 429]);
  expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
});

test("GET /auth/providers lists the configured providers in a fixed order", async () => {
  const { request } = testApp({
    providers: { dev: fakeProvider("dev"), github: fakeProvider("github") },
  });

  const response = await request("/auth/providers");

  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ providers: ["github", "dev"] });
});

test("GET /auth/providers with none configured is an empty list", async () => {
  const { request } = testApp();
  expect(await (await request("/auth/providers")).json()).toEqual({ providers: [] });
});

test("showing the sign-in page is not a sign-in attempt: /auth/providers is not rate-limited", async () => {
  const { request } = testApp({
    providers: { github: fakeProvider("github") },
    limiter: createMemoryRateLimiter({ name: "auth", limit: 1, windowSeconds: 60 }),
  });

  const listed = [await request("/auth/providers"), await request("/auth/providers")];
  const login = await request("/auth/github/login");

  expect(listed.map((response) => response.status)).toEqual([200, 200]);
  expect(login.status).toBe(302);
});

/** A provider whose callback always fails with `error`. */
function failingProvider(error: Error): OAuthProvider {
  return { ...fakeProvider("github"), finish: () => Promise.reject(error) };
}

const PAGE_LOAD = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };

const browserFailures = [
  { name: "no login cookie", cookie: "", query: "code=c&state=s-github", want: "expired" },
  { name: "a forged state", cookie: loginCookie(), query: "code=c&state=x", want: "invalid" },
  {
    name: "a denied sign-in",
    cookie: loginCookie(),
    query: "error=access_denied&state=s-github",
    provider: failingProvider(new LoginError("denied", "the provider refused the sign-in")),
    want: "denied",
  },
  {
    name: "a provider that fails the exchange",
    cookie: loginCookie(),
    query: "code=c&state=s-github",
    provider: failingProvider(new LoginError("exchange", "the provider did not complete")),
    want: "provider",
  },
  {
    name: "identity being down",
    cookie: loginCookie(),
    query: "code=c&state=s-github",
    identityFailure: grpcError(status.UNAVAILABLE, "connect ECONNREFUSED"),
    want: "unavailable",
  },
  {
    name: "an unexpected failure",
    cookie: loginCookie(),
    query: "code=c&state=s-github",
    provider: failingProvider(new Error("boom")),
    want: "internal",
  },
];

test.each(browserFailures)(
  "a browser's callback with $name lands on /signin?error=$want",
  async ({ cookie, query, provider, identityFailure, want }) => {
    const { request } = testApp({
      identity: fakeIdentity({ failure: identityFailure }),
      providers: { github: provider ?? fakeProvider("github") },
    });

    const response = await request(`/auth/github/callback?${query}`, {
      headers: { ...PAGE_LOAD, ...(cookie ? { cookie } : {}) },
    });

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/signin?error=${want}`);
    expect(setCookies(response).some((line) => /^__Host-login=; /.test(line))).toBe(true);
    expect(setCookies(response).some((line) => line.startsWith("__Host-session="))).toBe(false);
  },
);

test("an API client's failed callback still gets the JSON error", async () => {
  const { request } = testApp({ providers: { github: fakeProvider("github") } });

  const response = await request("/auth/github/callback?code=c&state=x", {
    headers: { accept: "application/json", cookie: loginCookie() },
  });

  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ error: { code: "LOGIN_FAILED" } });
});

test("a browser starting an unknown provider lands on /signin?error=unknown_provider", async () => {
  const { request } = testApp();

  const response = await request("/auth/evil/login", { headers: PAGE_LOAD });

  expect(response.status).toBe(302);
  expect(response.headers.get("location")).toBe("/signin?error=unknown_provider");
});

test("a browser over the sign-in rate limit lands on /signin?error=rate_limited", async () => {
  const { request } = testApp({
    providers: { github: fakeProvider("github") },
    limiter: createMemoryRateLimiter({ name: "auth", limit: 1, windowSeconds: 60 }),
  });

  await request("/auth/github/login", { headers: PAGE_LOAD });
  const limited = await request("/auth/github/login", { headers: PAGE_LOAD });

  expect(limited.status).toBe(302);
  expect(limited.headers.get("location")).toBe("/signin?error=rate_limited");
});
