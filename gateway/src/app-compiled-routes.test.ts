import { expect, test } from "bun:test";
import { createApp } from "./app.ts";
import { testApp } from "./testing/test-app.ts";

// Elysia compiles each route from what it infers the app's hooks and handlers read (its
// "sucrose"), and that inference is app-wide: one hook or handler anywhere naming `cookie` in its
// context gives every route, /healthz included, a cookie jar (`await parseCookie(...)`, a Proxy,
// a Cookie object per read); one handing its whole context to a function counts as reading
// everything, so every route also copies the request's headers into an object. The gateway
// reads the Cookie header itself (auth/cookies.ts); these keep the routes free of both
// (bench/investigations/me-path).

const routes = createApp(testApp().deps).router.history.map(
  (route) => [`${route.method} ${route.path}`, route.compile().toString()] as const,
);

test("the app has routes to check", () => {
  expect(routes.map(([name]) => name)).toContain("GET /api/me");
});

test.each(routes)("%s is compiled without Elysia's cookie jar", (_, compiled) => {
  expect(compiled).not.toContain("parseCookie");
  expect(compiled).not.toContain("c.cookie");
});

test.each(routes)("%s is compiled without a copy of the request's headers", (_, compiled) => {
  expect(compiled).not.toContain("c.headers=");
});
