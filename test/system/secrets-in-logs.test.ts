import { beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { approveSignIn } from "@trellis/gateway/fake-provider/sign-in";
import { providerNames } from "@trellis/gateway/provider-names";
import { type Browser, createBrowser, type ProviderName } from "./support/browser.ts";
import { decodeLoginCookie, encodeLoginCookie } from "./support/login-cookie.ts";
import { type Stack, startStack } from "./support/stack.ts";

// Runs the whole product, happy and failing paths, with every process logging at debug, then
// reads everything each process wrote: no credential and no note text may appear in it.

setDefaultTimeout(30_000);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 60_000);

/** name -> value of everything secret a test saw go by. */
const secrets = new Map<string, string>();
let seen = 0;
function keep(name: string, value: string | null | undefined): void {
  if (value !== null && value !== undefined && value !== "") {
    secrets.set(`${name} #${++seen}`, value);
  }
}

/** Starts a sign-in and keeps its login cookie and what it holds. */
async function startLogin(b: Browser, provider: ProviderName): Promise<string> {
  const { authorizeUrl } = await b.startLogin(provider);
  const cookie = b.jar.get("login") ?? "";
  const pending = decodeLoginCookie(cookie);
  keep("login cookie", cookie);
  keep("OAuth state", pending.state);
  keep("PKCE verifier", pending.verifier);
  keep("OIDC nonce", pending.nonce);
  return authorizeUrl;
}

async function approve(authorizeUrl: string): Promise<string> {
  const callbackUrl = await approveSignIn(authorizeUrl);
  keep("OAuth code", new URL(callbackUrl).searchParams.get("code"));
  return callbackUrl;
}

function keepSession(b: Browser): string {
  const token = b.jar.get("session") ?? "";
  keep("session token", token);
  keep("session secret", token.split(".")[1]);
  return token;
}

async function signInKeepingSecrets(b: Browser, provider: ProviderName): Promise<string> {
  const callbackUrl = await approve(await startLogin(b, provider));
  const loginCookie = b.jar.get("login");
  expect((await b.api(callbackUrl, { origin: null })).status).toBe(302);
  // The same callback again: the failing path logs too.
  const replay = await b.api(callbackUrl, {
    origin: null,
    headers: { cookie: `login=${loginCookie}` },
  });
  expect(replay.status).toBe(400);
  return keepSession(b);
}

test("signing in, failing to sign in, notes and logout, through every provider", async () => {
  for (const provider of providerNames) {
    const b = createBrowser(stack.gatewayUrl);
    const token = await signInKeepingSecrets(b, provider);

    const body = `note body ${crypto.randomUUID()}`;
    keep("note body", body);
    const created = await b.api("/api/notes", { method: "POST", json: { title: "t", body } });
    const { id } = (await created.json()) as { id: string };
    const changed = `changed body ${crypto.randomUUID()}`;
    keep("note body", changed);
    expect(
      (await b.api(`/api/notes/${id}`, { method: "PATCH", json: { body: changed } })).status,
    ).toBe(200);
    expect((await b.api("/api/notes")).status).toBe(200);
    const rejected = `rejected body ${crypto.randomUUID()}`;
    keep("note body", rejected);
    const emptyTitle = await b.api("/api/notes", {
      method: "POST",
      json: { title: "", body: rejected },
    });
    expect(emptyTitle.status).toBe(400);
    const malformed = `malformed body ${crypto.randomUUID()}`;
    keep("note body", malformed);
    const badJson = await b.api("/api/notes", {
      method: "POST",
      body: `{"title":"t","body":"${malformed}"`,
      headers: { "content-type": "application/json" },
    });
    expect(badJson.status).toBe(400);

    const guess = `${token.split(".")[0]}.abcdefghijkmnpqrstuvwxyz`;
    keep("guessed session token", guess);
    expect((await b.api("/api/me", { headers: { cookie: `session=${guess}` } })).status).toBe(401);
    expect((await b.api("/auth/logout", { method: "POST" })).status).toBe(204);
  }
});

test("failed sign-ins: a forged PKCE verifier and a tampered state", async () => {
  const b = createBrowser(stack.gatewayUrl);
  const authorizeUrl = await startLogin(b, "google");
  const pending = decodeLoginCookie(b.jar.get("login") ?? "");
  const forged = encodeLoginCookie({ ...pending, verifier: `${pending.verifier.slice(1)}A` });
  keep("forged login cookie", forged);
  b.jar.set("login", forged);
  expect((await b.api(await approve(authorizeUrl), { origin: null })).status).toBe(400);

  const tampered = new URL(await approve(await startLogin(b, "dev")));
  tampered.searchParams.set("state", "tampered");
  expect((await b.api(tampered.toString(), { origin: null })).status).toBe(400);
});

test("signing out everywhere, with two browsers of one user", async () => {
  const first = createBrowser(stack.gatewayUrl);
  const second = createBrowser(stack.gatewayUrl);
  await signInKeepingSecrets(first, "dev");
  await signInKeepingSecrets(second, "dev");
  expect((await first.api("/auth/logout-everywhere", { method: "POST" })).status).toBe(204);
  expect((await second.api("/api/me")).status).toBe(401);
});

// Shapes of credentials the tests cannot see: the access tokens and ID tokens the gateway gets
// from the fake provider, and caller signatures. The fake's codes and access tokens, and
// oauth4webapi's state, verifier and nonce, are all 32 random bytes in base64url.
const credentialShapes: [string, RegExp][] = [
  ["a session token", /[a-km-z2-9]{24}\.[a-km-z2-9]{24}/],
  ["a JWT (ID token)", /eyJ[\w-]+\.[\w-]+\./],
  ["a 256-bit base64url token", /(?<![\w-])[\w-]{43}(?![\w-])/],
  ["a signed caller identity", /v1\.[0-9a-f-]{36}\.\d+\./],
  ["a bearer credential", /bearer\s+\S/i],
  ["a cookie or authorization header", /"(?:cookie|set-cookie|authorization)"/i],
];

test("no process logged any of it", async () => {
  await stack.stop();
  const lines = stack.logLines();
  const findings: string[] = [];
  for (const line of lines) {
    for (const [name, value] of secrets) {
      if (line.includes(value)) {
        findings.push(`${name}: ${line}`);
      }
    }
    for (const [name, shape] of credentialShapes) {
      if (shape.test(line)) {
        findings.push(`${name}: ${line}`);
      }
    }
  }

  expect(secrets.size).toBeGreaterThan(40);
  expect(lines.length).toBeGreaterThan(50);
  expect(findings).toEqual([]);
});
