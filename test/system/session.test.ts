import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import { type Browser, createBrowser } from "./support/browser.ts";
import { isExpiring, setCookiesNamed } from "./support/cookie-jar.ts";
import { errorAnswer } from "./support/errors.ts";
import { type Stack, startStack } from "./support/stack.ts";

// The session cookie against the real identity service: what it refuses, how it expires and
// slides, and logout.

setDefaultTimeout(20_000);

/**
 * The gateway reuses a validated session this long: a change made in identity's database (not
 * through the gateway) reaches it only after that. Short here, so the tests can wait it out.
 */
const SESSION_CACHE_TTL_MS = 300;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    gatewayEnv: { SESSION_CACHE_TTL_MS: String(SESSION_CACHE_TTL_MS) },
  });
}, 60_000);
afterAll(() => stack?.stop());

let lastId = 0;
async function signedIn(): Promise<{ browser: Browser; token: string; sessionId: string }> {
  const browser = createBrowser(stack.gatewayUrl);
  const token = await browser.signIn("dev", { id: `session-user-${++lastId}` });
  const [sessionId = ""] = token.split(".");
  return { browser, token, sessionId };
}

/** GET /api/me as an anonymous browser sending `cookie` (raw header) or nothing. */
function meWith(cookie: string | null): Promise<Response> {
  return createBrowser(stack.gatewayUrl).api("/api/me", {
    headers: cookie === null ? {} : { cookie },
  });
}

const withoutRequestId = ({ requestId: _, ...rest }: { requestId: string }) => rest;

describe("GET /api/me refuses with 401", () => {
  test("without a session cookie", async () => {
    expect(await errorAnswer(await meWith(null))).toMatchObject({
      status: 401,
      code: "UNAUTHENTICATED",
    });
  });

  test("for any malformed token, never a 500", async () => {
    const tokenChar = fc.constantFrom(..."abcdefghijkmnpqrstuvwxyz23456789");
    const part = fc.string({ unit: tokenChar, minLength: 24, maxLength: 24 });
    const plain = fc.constantFrom(..."ABCXYZabcxyz0189._-");
    const token = fc.oneof(
      fc.string({ minLength: 1, maxLength: 60 }).filter((value) => !value.includes(".")),
      fc
        .array(fc.string({ maxLength: 30 }), { minLength: 3, maxLength: 6 })
        .map((parts) => parts.join(".")),
      fc.string({ unit: plain, minLength: 257, maxLength: 8_000 }),
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }),
      fc
        .tuple(part, fc.string({ unit: "grapheme", minLength: 1, maxLength: 24 }))
        .map(([id, secret]) => `${id}.${secret}`),
      fc.tuple(part, part).map(([id, secret]) => `${id}.${secret}`),
      // Elysia parses JSON-looking cookie values into objects and numbers.
      fc.json({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(token, async (value) => {
        const response = await meWith(`session=${encodeURIComponent(value)}`);
        const answer = await errorAnswer(response);
        expect(answer).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
      }),
      { numRuns: 50 },
    );
  });

  test("for a real session id with the wrong secret, exactly as for an unknown id", async () => {
    const { sessionId } = await signedIn();
    const otherSecret = "abcdefghijkmnpqrstuvwxyz";

    const wrongSecret = await errorAnswer(await meWith(`session=${sessionId}.${otherSecret}`));
    const unknownId = await errorAnswer(await meWith(`session=${otherSecret}.${otherSecret}`));

    expect(wrongSecret.status).toBe(401);
    expect(withoutRequestId(wrongSecret)).toEqual(withoutRequestId(unknownId));
    expect(wrongSecret.requestId).not.toBe(unknownId.requestId);
  });
});

describe("session expiry, set in identity's database", () => {
  let expired: Awaited<ReturnType<typeof signedIn>>;
  let sliding: Awaited<ReturnType<typeof signedIn>>;
  let freshAnswer: Response;

  // One trip to the database for both: on the embedded Postgres each trip restarts identity.
  beforeAll(async () => {
    expired = await signedIn();
    sliding = await signedIn();
    freshAnswer = await sliding.browser.api("/api/me");
    await stack.withIdentityDatabase(async (sql) => {
      await sql`UPDATE sessions SET expires_at = now() - interval '1 second'
                WHERE id = ${expired.sessionId}`;
      await sql`UPDATE sessions SET expires_at = now() + interval '10 days'
                WHERE id = ${sliding.sessionId}`;
    });
    await Bun.sleep(SESSION_CACHE_TTL_MS);
  }, 30_000);

  test("an expired session is refused", async () => {
    const response = await expired.browser.api("/api/me");

    expect(await errorAnswer(response)).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
  });

  test("a session in the second half of its life slides, and the cookie is set again", async () => {
    expect(freshAnswer.status).toBe(200);
    expect(setCookiesNamed(freshAnswer, "session")).toEqual([]);

    const renewed = await sliding.browser.api("/api/me");

    expect(renewed.status).toBe(200);
    const [cookie, ...more] = setCookiesNamed(renewed, "session");
    expect(more).toEqual([]);
    expect(cookie?.value).toBe(sliding.token);
    expect(cookie?.attributes).toMatchObject({ httponly: true, samesite: "Lax", path: "/" });
    expect(cookie?.expires?.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const again = await sliding.browser.api("/api/me");
    expect(setCookiesNamed(again, "session")).toEqual([]);
  });
});

describe("a session deleted in identity's database, not through the gateway", () => {
  test("is refused once the gateway's session cache TTL has passed", async () => {
    const { token, sessionId } = await signedIn();
    expect((await meWith(`session=${token}`)).status).toBe(200);

    await stack.withIdentityDatabase((sql) => sql`DELETE FROM sessions WHERE id = ${sessionId}`);
    await Bun.sleep(SESSION_CACHE_TTL_MS);

    expect(await errorAnswer(await meWith(`session=${token}`))).toMatchObject({
      status: 401,
      code: "UNAUTHENTICATED",
    });
  });
});

describe("POST /auth/logout", () => {
  test("from the app's origin deletes the session and expires the cookie", async () => {
    const { browser, token } = await signedIn();
    // Checked once, so the gateway's session cache holds it: logout must drop it at once.
    expect((await meWith(`session=${token}`)).status).toBe(200);

    const response = await browser.api("/auth/logout", { method: "POST" });

    expect(response.status).toBe(204);
    expect(setCookiesNamed(response, "session").map(isExpiring)).toEqual([true]);
    expect(browser.jar.get("session")).toBeUndefined();
    expect((await meWith(`session=${token}`)).status).toBe(401);
  });

  test("with Sec-Fetch-Site: same-origin and no Origin also signs out", async () => {
    const { browser, token } = await signedIn();

    const response = await browser.api("/auth/logout", {
      method: "POST",
      origin: null,
      headers: { "sec-fetch-site": "same-origin" },
    });

    expect(response.status).toBe(204);
    expect((await meWith(`session=${token}`)).status).toBe(401);
  });

  const crossSite: { name: string; origin?: string | null; headers: Record<string, string> }[] = [
    { name: "a foreign Origin", origin: "https://evil.example", headers: {} },
    { name: "no Origin and no Sec-Fetch-Site", origin: null, headers: {} },
    { name: "Sec-Fetch-Site: cross-site", headers: { "sec-fetch-site": "cross-site" } },
  ];

  test.each(crossSite)(
    "with $name is refused with 403 and the session lives on",
    async ({ origin, headers }) => {
      const { browser, token } = await signedIn();

      const response = await browser.api("/auth/logout", {
        method: "POST",
        headers,
        ...(origin === undefined ? {} : { origin }),
      });

      expect(await errorAnswer(response)).toMatchObject({ status: 403, code: "PERMISSION_DENIED" });
      expect(setCookiesNamed(response, "session")).toEqual([]);
      expect((await meWith(`session=${token}`)).status).toBe(200);
    },
  );
});
