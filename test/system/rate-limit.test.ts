import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { createBrowser } from "./support/browser.ts";
import { errorAnswer } from "./support/errors.ts";
import { type Stack, startStack } from "./support/stack.ts";

// The sign-in rate limit per client address, on a gateway allowing 5 attempts a minute. Every
// request here comes from 127.0.0.1, so the whole file is one client.

setDefaultTimeout(20_000);

const LIMIT = 5;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ gatewayEnv: { AUTH_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
}, 60_000);
afterAll(() => stack?.stop());

test("the 6th sign-in attempt in a minute answers 429 with Retry-After; /api is not limited", async () => {
  const browser = createBrowser(stack.gatewayUrl);
  const statuses: number[] = [];
  for (let attempt = 0; attempt < LIMIT; attempt++) {
    statuses.push((await browser.api("/auth/dev/login", { origin: null })).status);
  }

  const limited = await browser.api("/auth/dev/login", { origin: null });

  expect(statuses).toEqual(Array.from({ length: LIMIT }, () => 302));
  const retryAfter = Number(limited.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
  expect(await errorAnswer(limited)).toMatchObject({ status: 429, code: "RESOURCE_EXHAUSTED" });
  expect((await browser.api("/auth/google/login", { origin: null })).status).toBe(429);

  const notLimited = await Promise.all(
    ["/api/me", "/api/notes", "/api/me", "/api/notes", "/healthz", "/readyz"].map(
      async (path) => (await browser.api(path)).status,
    ),
  );
  expect(notLimited).toEqual([401, 401, 401, 401, 200, 200]);
});
