import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { approveSignIn, denySignIn } from "@trellis/gateway/fake-provider/sign-in";
import { type Browser, createBrowser, type ProviderName } from "./support/browser.ts";
import { isExpiring, type SetCookie, setCookiesNamed } from "./support/cookie-jar.ts";
import { errorAnswer } from "./support/errors.ts";
import { decodeLoginCookie, encodeLoginCookie } from "./support/login-cookie.ts";
import { type Stack, startStack } from "./support/stack.ts";

// Sign-in through the fake GitHub, Google and dev providers, end to end over real sockets.

setDefaultTimeout(20_000);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 60_000);
afterAll(() => stack?.stop());

const browser = (): Browser => createBrowser(stack.gatewayUrl);

let lastId = 7_000;
/** A provider account id no other test signs in with (digits, as GitHub needs). */
const newAccountId = (): string => String(++lastId);

async function me(b: Browser): Promise<{ status: number; id: string; name: string }> {
  const response = await b.api("/api/me");
  const body = (await response.json()) as { id?: string; name?: string };
  return { status: response.status, id: body.id ?? "", name: body.name ?? "" };
}

function only(cookies: SetCookie[]): SetCookie {
  const [cookie, ...more] = cookies;
  if (cookie === undefined || more.length > 0) {
    throw new Error(`expected one cookie, got ${cookies.length}`);
  }
  return cookie;
}

/** The login cookie is expired by `response` and no session cookie is set. */
function expectLoginClearedWithoutSession(response: Response): void {
  expect(setCookiesNamed(response, "login").map(isExpiring)).toEqual([true]);
  expect(setCookiesNamed(response, "session")).toEqual([]);
}

describe("signing in", () => {
  const providers: { provider: ProviderName; name: string }[] = [
    { provider: "github", name: "Octo Cat" },
    { provider: "google", name: "Gia Google" },
    { provider: "dev", name: "Dev User" },
  ];

  test.each(providers)(
    "through fake $provider sets a session that /api/me accepts",
    async ({ provider, name }) => {
      const b = browser();
      const { response: start, authorizeUrl } = await b.startLogin(provider);
      const pending = only(setCookiesNamed(start, "login"));
      expect(new URL(authorizeUrl).origin).toBe(stack.fakeProviderUrl);
      expect(pending.attributes).toMatchObject({ httponly: true, samesite: "Lax", path: "/" });
      expect(pending.attributes.secure).toBeUndefined();
      expect(pending.expires?.getTime()).toBeLessThanOrEqual(Date.now() + 10 * 60_000 + 1_000);

      const callback = await b.api(
        await approveSignIn(authorizeUrl, { id: newAccountId(), name }),
        {
          origin: null,
        },
      );

      expect(callback.status).toBe(302);
      expect(callback.headers.get("location")).toBe("/");
      expect(setCookiesNamed(callback, "login").map(isExpiring)).toEqual([true]);
      const session = only(setCookiesNamed(callback, "session"));
      expect(session.value).toMatch(/^[a-z2-9]{24}\.[a-z2-9]{24}$/);
      expect(session.attributes).toMatchObject({ httponly: true, samesite: "Lax", path: "/" });
      expect(session.attributes.secure).toBeUndefined();
      expect(session.expires?.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
      expect(await me(b)).toMatchObject({ status: 200, name });
    },
  );
});

test("the same provider account signs in as the same user; another provider's is another", async () => {
  const accountId = newAccountId();
  const first = browser();
  await first.signIn("github", { id: accountId, login: "same-person", name: "Before" });
  const second = browser();
  await second.signIn("github", { id: accountId, login: "same-person", name: "After" });
  const elsewhere = browser();
  await elsewhere.signIn("dev", { id: accountId, name: "Dev Namesake" });

  const [a, b, c] = await Promise.all([me(first), me(second), me(elsewhere)]);

  expect(b).toEqual({ status: 200, id: a.id, name: "After" });
  expect(second.jar.get("session")).not.toBe(first.jar.get("session"));
  expect(c.status).toBe(200);
  expect(c.id).not.toBe(a.id);
});

/** Steps that end in a callback the gateway must refuse. */
const refusedCallbacks: {
  name: string;
  callback: (b: Browser) => Promise<Response>;
  want: { status: number; code: string };
}[] = [
  {
    name: "a tampered state",
    async callback(b) {
      const { authorizeUrl } = await b.startLogin("google");
      const url = new URL(await approveSignIn(authorizeUrl));
      url.searchParams.set("state", `${url.searchParams.get("state")}x`);
      return b.api(url.toString(), { origin: null });
    },
    want: { status: 400, code: "LOGIN_FAILED" },
  },
  {
    name: "no login cookie",
    async callback(b) {
      const { authorizeUrl } = await b.startLogin("github");
      return b.api(await approveSignIn(authorizeUrl), { origin: null, cookies: false });
    },
    want: { status: 400, code: "INVALID_ARGUMENT" },
  },
  {
    name: "a PKCE verifier that is not the attempt's",
    async callback(b) {
      const { authorizeUrl } = await b.startLogin("dev");
      const pending = decodeLoginCookie(b.jar.get("login") ?? "");
      const forged = { ...pending, verifier: `${pending.verifier.slice(1)}A` };
      b.jar.set("login", encodeLoginCookie(forged));
      return b.api(await approveSignIn(authorizeUrl), { origin: null });
    },
    want: { status: 400, code: "LOGIN_FAILED" },
  },
  {
    name: "a sign-in the user denied",
    async callback(b) {
      const { authorizeUrl } = await b.startLogin("github");
      return b.api(await denySignIn(authorizeUrl), { origin: null });
    },
    want: { status: 400, code: "LOGIN_FAILED" },
  },
];

describe("a callback is refused, clears the login cookie and signs nobody in, on", () => {
  test.each(refusedCallbacks)("$name", async ({ callback, want }) => {
    const b = browser();

    const response = await callback(b);

    expectLoginClearedWithoutSession(response);
    expect(await errorAnswer(response)).toMatchObject(want);
    expect((await me(b)).status).toBe(401);
  });
});

test("a replayed callback (same code, state and login cookie) is refused and changes nothing", async () => {
  const b = browser();
  const { authorizeUrl } = await b.startLogin("github");
  const loginCookie = b.jar.get("login") ?? "";
  const callbackUrl = await approveSignIn(authorizeUrl, { id: newAccountId() });
  expect((await b.api(callbackUrl, { origin: null })).status).toBe(302);
  const session = b.jar.get("session");

  const replay = await b.api(callbackUrl, {
    origin: null,
    headers: { cookie: `login=${loginCookie}` },
  });

  expectLoginClearedWithoutSession(replay);
  expect(await errorAnswer(replay)).toMatchObject({ status: 400, code: "LOGIN_FAILED" });
  expect(b.jar.get("session")).toBe(session);
  expect((await me(b)).status).toBe(200);
});

test("a new sign-in replaces the browser's session, and the old token stops working", async () => {
  const b = browser();
  const accountId = newAccountId();
  const oldToken = await b.signIn("github", { id: accountId });

  const newToken = await b.signIn("github", { id: accountId });

  expect(newToken).not.toBe(oldToken);
  const withOld = await b.api("/api/me", { headers: { cookie: `session=${oldToken}` } });
  expect(await errorAnswer(withOld)).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
  expect((await me(b)).status).toBe(200);
});

describe("returnTo", () => {
  test.each([
    { returnTo: "//evil.example", lands: "/" },
    { returnTo: "https://evil.example", lands: "/" },
    { returnTo: "/\\evil.example", lands: "/" },
    { returnTo: "/.//evil.example/x", lands: "/" },
    { returnTo: "/%2e//evil.example", lands: "/" },
    { returnTo: "/notes?x=1", lands: "/notes?x=1" },
  ])("$returnTo lands on $lands", async ({ returnTo, lands }) => {
    const b = browser();

    const callback = await b.login("dev", { id: `dev-${newAccountId()}` }, { returnTo });

    expect(callback.status).toBe(302);
    expect(callback.headers.get("location")).toBe(lands);
    expect(b.jar.get("session")).toBeDefined();
  });
});
