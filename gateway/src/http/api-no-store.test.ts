import { expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import fc from "fast-check";
import { fakeIdentity, fakeNotes, grpcError } from "../testing/fake-clients.ts";
import { signedIn, type TestDeps, testApp } from "../testing/test-app.ts";
import { isApiPath } from "./api-no-store.ts";
import { createMemoryRateLimiter } from "./rate-limit-memory.ts";

const NOTE = "/api/notes/0190a1b2-0000-7000-8000-0000000000b1";
const down = (code: status) => grpcError(code, "service said no");

const cases: {
  name: string;
  path: string;
  init?: RequestInit & { json?: unknown };
  deps?: TestDeps;
  want: number;
}[] = [
  { name: "GET /api/me", path: "/api/me", init: { headers: signedIn() }, want: 200 },
  { name: "GET /api/me signed out (session guard)", path: "/api/me", want: 401 },
  {
    name: "GET /api/me with identity down (session guard)",
    path: "/api/me",
    init: { headers: signedIn() },
    deps: { identity: fakeIdentity({ failure: down(status.UNAVAILABLE) }) },
    want: 503,
  },
  { name: "GET /api/notes", path: "/api/notes", init: { headers: signedIn() }, want: 200 },
  {
    name: "POST /api/notes",
    path: "/api/notes",
    init: { method: "POST", headers: signedIn(), json: { title: "t" } },
    want: 201,
  },
  { name: "GET /api/notes/:id", path: NOTE, init: { headers: signedIn() }, want: 200 },
  {
    name: "PATCH /api/notes/:id",
    path: NOTE,
    init: { method: "PATCH", headers: signedIn(), json: { title: "t" } },
    want: 200,
  },
  {
    name: "DELETE /api/notes/:id",
    path: NOTE,
    init: { method: "DELETE", headers: signedIn() },
    want: 204,
  },
  {
    name: "GET /api/notes/:id not found (service)",
    path: NOTE,
    init: { headers: signedIn() },
    deps: { notes: fakeNotes({ failure: down(status.NOT_FOUND) }) },
    want: 404,
  },
  {
    name: "GET /api/notes with notes down (service)",
    path: "/api/notes",
    init: { headers: signedIn() },
    deps: { notes: fakeNotes({ failure: down(status.UNAVAILABLE) }) },
    want: 503,
  },
  {
    name: "GET /api/notes with a bad page_size (validation)",
    path: "/api/notes?page_size=x",
    init: { headers: signedIn() },
    want: 400,
  },
  {
    name: "PATCH /api/notes/:id changing nothing (service)",
    path: NOTE,
    init: { method: "PATCH", headers: signedIn(), json: {} },
    want: 400,
  },
  {
    name: "GET /api/me over the session's quota",
    path: "/api/me",
    init: { headers: signedIn() },
    deps: { sessionLimiter: createMemoryRateLimiter({ name: "s", limit: 1, windowSeconds: 60 }) },
    want: 429,
  },
  {
    name: "GET /api/nothing-here",
    path: "/api/nothing-here",
    init: { headers: signedIn() },
    want: 404,
  },
];

test.each(cases)(
  "$name answers $want with Cache-Control: no-store",
  async ({ path, init, deps, want }) => {
    const { request } = testApp(deps);
    if (want === 429) {
      await request(path, init);
    }

    const response = await request(path, init);

    expect(response.status).toBe(want);
    expect(response.headers.get("cache-control")).toBe("no-store");
  },
);

test("answers outside /api keep their own caching", async () => {
  const { request } = testApp();
  const answers = await Promise.all(["/healthz", "/openapi.json"].map((path) => request(path)));
  expect(answers.map((response) => response.headers.get("cache-control"))).not.toContain(
    "no-store",
  );
});

test.each([
  { url: "https://app.example.com/api/me", want: true },
  { url: "https://app.example.com/api", want: true },
  { url: "https://app.example.com/api?x=1", want: true },
  { url: "https://app.example.com/apiary", want: false },
  { url: "https://app.example.com/", want: false },
  { url: "https://app.example.com/docs/api/x", want: false },
  { url: "http://127.0.0.1:3000/api/notes/1", want: true },
])("isApiPath($url) is $want", ({ url, want }) => {
  expect(isApiPath(url)).toBe(want);
});

test("property: isApiPath agrees with the URL parser", () => {
  fc.assert(
    fc.property(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.constantFrom("", "/api", "/api/", "/api/notes", "/apis"),
      (base, prefix) => {
        const url = new URL(base);
        url.pathname = prefix + url.pathname;
        const path = url.pathname;
        expect(isApiPath(url.href)).toBe(path === "/api" || path.startsWith("/api/"));
      },
    ),
    { numRuns: 500 },
  );
});
