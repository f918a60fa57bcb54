import { expect, test } from "bun:test";
import { APP_ORIGIN, signedIn, testApp } from "../testing/test-app.ts";

const json = JSON.stringify({ title: "hello" });

const origins: { name: string; headers: Record<string, string>; want: number }[] = [
  { name: "a same-origin fetch", headers: { "sec-fetch-site": "same-origin" }, want: 201 },
  { name: "a cross-site fetch", headers: { "sec-fetch-site": "cross-site" }, want: 403 },
  {
    name: "a same-site (sibling subdomain) fetch",
    headers: { "sec-fetch-site": "same-site" },
    want: 403,
  },
  {
    name: "cross-site even with our Origin header",
    headers: { "sec-fetch-site": "cross-site", origin: APP_ORIGIN },
    want: 403,
  },
  { name: "no Sec-Fetch-Site but our Origin", headers: { origin: APP_ORIGIN }, want: 201 },
  {
    name: "no Sec-Fetch-Site and a foreign Origin",
    headers: { origin: "https://evil.example" },
    want: 403,
  },
  { name: "neither header", headers: {}, want: 403 },
];

test.each(origins)("POST /api/notes from $name answers $want", async ({ headers, want }) => {
  const { request } = testApp();
  const response = await request("/api/notes", {
    method: "POST",
    headers: { cookie: signedIn().cookie ?? "", ...headers, "content-type": "application/json" },
    body: json,
  });
  expect(response.status).toBe(want);
});

const bodies = [
  {
    name: "a text/plain body",
    type: "text/plain",
    body: json,
    want: [415, "UNSUPPORTED_MEDIA_TYPE"],
  },
  {
    name: "a form body",
    type: "application/x-www-form-urlencoded",
    body: "title=x",
    want: [415, "UNSUPPORTED_MEDIA_TYPE"],
  },
  {
    name: "malformed JSON",
    type: "application/json",
    body: "{title",
    want: [400, "INVALID_ARGUMENT"],
  },
  {
    name: "a body over 64 KiB",
    type: "application/json",
    body: JSON.stringify({ title: "x".repeat(70_000) }),
    want: [413, "PAYLOAD_TOO_LARGE"],
  },
  {
    name: "JSON with a charset",
    type: "application/json; charset=utf-8",
    body: json,
    want: [201, undefined],
  },
];

test.each(bodies)("POST /api/notes with $name answers $want.0", async ({ type, body, want }) => {
  const { request } = testApp();
  const response = await request("/api/notes", {
    method: "POST",
    headers: signedIn({ "content-type": type }),
    body,
  });
  const payload = (await response.json()) as { error?: { code: string } };
  expect([response.status, payload.error?.code]).toEqual(want);
});

test("an oversized Content-Length is refused before the body is read", async () => {
  const { request } = testApp();
  const response = await request("/api/notes", {
    method: "POST",
    headers: signedIn({ "content-type": "application/json", "content-length": "10000000" }),
    body: json,
  });
  expect(response.status).toBe(413);
});

test("CORS: no allowed origin by default, so no Access-Control headers", async () => {
  const { request } = testApp();
  const response = await request("/api/me", {
    headers: signedIn({ origin: "https://other.example" }),
  });
  expect(response.headers.get("access-control-allow-origin")).toBeNull();
});

test("CORS: an allowlisted origin gets credentials and may send a state change", async () => {
  const { deps } = testApp();
  const { request } = testApp({
    config: { ...deps.config, corsOrigins: ["https://admin.example.com"] },
  });
  const preflight = await request("/api/notes", {
    method: "OPTIONS",
    headers: { origin: "https://admin.example.com", "access-control-request-method": "POST" },
  });
  const post = await request("/api/notes", {
    method: "POST",
    headers: signedIn({
      origin: "https://admin.example.com",
      "sec-fetch-site": "cross-site",
      "content-type": "application/json",
    }),
    body: json,
  });

  expect(preflight.status).toBe(204);
  expect(preflight.headers.get("access-control-allow-origin")).toBe("https://admin.example.com");
  expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
  expect(post.status).toBe(201);
});
