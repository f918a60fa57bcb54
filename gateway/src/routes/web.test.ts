import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { loadConfig } from "../config.ts";
import { APP_ORIGIN, TEST_SIGNING_KEY, testApp } from "../testing/test-app.ts";

// A small stand-in for `vite build` output: index.html, hashed assets, a public file and the
// hidden folder Vite keeps its manifest in.
const INDEX = `<!doctype html><html><head><script type="module" src="/assets/index-a1b2c3.js"></script></head><body></body></html>`;
const SCRIPT = `export const notes = ${JSON.stringify(Array.from({ length: 200 }, (_, i) => `note ${i}`))};`;
const STYLE = `body { margin: 0; }`;
const ICON = `<svg xmlns="http://www.w3.org/2000/svg"/>`;

let dist = "";
beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), "trellis-web-"));
  await mkdir(join(dist, "assets"));
  await mkdir(join(dist, ".vite"));
  await Promise.all([
    writeFile(join(dist, "index.html"), INDEX),
    writeFile(join(dist, "assets/index-a1b2c3.js"), SCRIPT),
    writeFile(join(dist, "assets/index-d4e5f6.css"), STYLE),
    writeFile(join(dist, "favicon.svg"), ICON),
    writeFile(join(dist, ".vite/manifest.json"), "{}"),
  ]);
});
afterAll(() => rm(dist, { recursive: true, force: true }));

function app(env: Record<string, string> = {}) {
  const config = loadConfig({
    CALLER_SIGNING_KEY: TEST_SIGNING_KEY,
    APP_ORIGIN,
    LOG_LEVEL: "silent",
    WEB_DIST_DIR: dist,
    ...env,
  });
  return testApp({ config });
}

const HTML = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };
const IMMUTABLE = "public, max-age=31536000, immutable";

const files = [
  { name: "/ is index.html", path: "/", headers: HTML, type: "text/html", cache: "no-cache" },
  {
    name: "a client route falls back to index.html",
    path: "/signin",
    headers: HTML,
    type: "text/html",
    cache: "no-cache",
  },
  {
    name: "a nested client route falls back",
    path: "/notes/42?x=1",
    headers: HTML,
    type: "text/html",
    cache: "no-cache",
  },
  {
    name: "a hashed script is immutable",
    path: "/assets/index-a1b2c3.js",
    headers: {},
    type: "text/javascript",
    cache: IMMUTABLE,
  },
  {
    name: "a hashed stylesheet is immutable",
    path: "/assets/index-d4e5f6.css",
    headers: {},
    type: "text/css",
    cache: IMMUTABLE,
  },
  {
    name: "a public file is revalidated",
    path: "/favicon.svg",
    headers: {},
    type: "image/svg+xml",
    cache: "no-cache",
  },
];

test.each(files)("$name", async ({ path, headers, type, cache }) => {
  const response = await app().request(path, { headers });

  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toStartWith(type);
  expect(response.headers.get("cache-control")).toBe(cache);
  expect(response.headers.get("etag")).toMatch(/^"[0-9a-z-]+"$/);
});

const missing = [
  {
    name: "a missing hashed asset, even for a page load",
    path: "/assets/index-old.js",
    headers: HTML,
  },
  {
    name: "a client route asked for without text/html",
    path: "/signin",
    headers: { accept: "*/*" },
  },
  { name: "an unknown API path", path: "/api/nope", headers: HTML },
  { name: "an unknown auth path", path: "/auth/nope/deeper", headers: HTML },
  { name: "a path under /healthz", path: "/healthz/x", headers: HTML },
  { name: "Vite's hidden manifest", path: "/.vite/manifest.json", headers: {} },
  { name: "an encoded parent path", path: "/assets/..%2f..%2f..%2fetc%2fpasswd", headers: {} },
  { name: "an encoded backslash", path: "/assets%5c..%5cindex.html", headers: {} },
  { name: "a NUL byte", path: "/favicon.svg%00.js", headers: {} },
  { name: "malformed percent-encoding", path: "/assets/%E0%A4%A", headers: {} },
];

test.each(missing)("404 JSON for $name", async ({ path, headers }) => {
  const response = await app().request(path, { headers });

  expect(response.status).toBe(404);
  expect(response.headers.get("content-type")).toStartWith("application/json");
  expect(await response.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
});

const apiRoutes = [
  { path: "/api/me", status: 401, type: "application/json" },
  { path: "/auth/providers", status: 200, type: "application/json" },
  { path: "/healthz", status: 200, type: "application/json" },
  { path: "/openapi.json", status: 200, type: "application/json" },
  { path: "/docs", status: 200, type: "text/html" },
];

test.each(apiRoutes)("$path is the API's, not the app's", async ({ path, status, type }) => {
  const response = await app().request(path, { headers: HTML });

  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toStartWith(type);
  expect(await response.text()).not.toContain("/assets/index-a1b2c3.js");
});

describe("HTML security headers", () => {
  test("a production page allows only its own scripts and styles and no framing", async () => {
    const response = await app().request("/signin", { headers: HTML });

    expect(Object.fromEntries(response.headers)).toMatchObject({
      "content-security-policy":
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; " +
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; " +
        "form-action 'self'; frame-ancestors 'none'",
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      "cross-origin-opener-policy": "same-origin",
    });
  });

  test("development also allows plain-http avatars (the fake provider's)", async () => {
    const response = await app({ MODE: "development" }).request("/", { headers: HTML });
    expect(response.headers.get("content-security-policy")).toContain(
      "img-src 'self' data: https: http:;",
    );
  });

  test("assets carry no CSP, but nosniff", async () => {
    const response = await app().request("/assets/index-a1b2c3.js");
    expect(response.headers.get("content-security-policy")).toBeNull();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("compression", () => {
  const encodings = [
    { accept: "gzip, deflate, br, zstd", want: "br", decode: brotliDecompressSync },
    { accept: "gzip", want: "gzip", decode: gunzipSync },
    { accept: "br;q=0, gzip;q=0.5", want: "gzip", decode: gunzipSync },
    { accept: "*", want: "br", decode: brotliDecompressSync },
  ];

  test.each(encodings)("Accept-Encoding: $accept is answered with $want", async (c) => {
    const response = await app().request("/assets/index-a1b2c3.js", {
      headers: { "accept-encoding": c.accept },
    });
    const body = new Uint8Array(await response.arrayBuffer());

    expect(response.headers.get("content-encoding")).toBe(c.want);
    expect(response.headers.get("vary")).toBe("Accept-Encoding");
    expect(body.byteLength).toBeLessThan(SCRIPT.length / 2);
    expect(new TextDecoder().decode(c.decode(body))).toBe(SCRIPT);
  });

  test("no Accept-Encoding, or only refused ones, is answered uncompressed", async () => {
    for (const accept of [undefined, "identity", "br;q=0, gzip;q=0"]) {
      const response = await app().request("/assets/index-a1b2c3.js", {
        headers: accept === undefined ? {} : { "accept-encoding": accept },
      });
      expect(response.headers.get("content-encoding")).toBeNull();
      expect(await response.text()).toBe(SCRIPT);
    }
  });

  test("small files are sent as they are", async () => {
    const response = await app().request("/assets/index-d4e5f6.css", {
      headers: { "accept-encoding": "br" },
    });
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(await response.text()).toBe(STYLE);
  });
});

test("a matching If-None-Match is a 304 for that encoding only", async () => {
  const { request } = app();
  const first = await request("/assets/index-a1b2c3.js", { headers: { "accept-encoding": "br" } });
  const etag = first.headers.get("etag") ?? "";

  const again = await request("/assets/index-a1b2c3.js", {
    headers: { "accept-encoding": "br", "if-none-match": etag },
  });
  const otherEncoding = await request("/assets/index-a1b2c3.js", {
    headers: { "accept-encoding": "gzip", "if-none-match": etag },
  });

  expect(again.status).toBe(304);
  expect(await again.text()).toBe("");
  expect(otherEncoding.status).toBe(200);
});

describe("without a build", () => {
  const apiOnly = () => app({ WEB_DIST_DIR: join(dist, "missing") });

  test("/ sends the browser to /api/me, as before the web app", async () => {
    const response = await apiOnly().request("/", { headers: HTML });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/api/me");
  });

  test("other pages are 404", async () => {
    expect((await apiOnly().request("/signin", { headers: HTML })).status).toBe(404);
  });
});

describe("in front of Vite's dev server", () => {
  const seen: Request[] = [];
  let vite: ReturnType<typeof Bun.serve> | undefined;
  beforeAll(() => {
    vite = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(request) {
        seen.push(request);
        const html = new URL(request.url).pathname === "/";
        return new Response(html ? "<!doctype html><title>dev</title>" : "export {}", {
          headers: { "content-type": html ? "text/html" : "text/javascript", etag: '"v1"' },
        });
      },
    });
  });
  afterAll(() => vite?.stop(true));

  const dev = () => app({ MODE: "development", WEB_DEV_SERVER: `http://127.0.0.1:${vite?.port}` });

  test("pages come from Vite with a CSP that lets its styles and HMR socket in", async () => {
    const response = await dev().request("/", {
      headers: { ...HTML, cookie: "__Host-session=secret" },
    });

    expect(await response.text()).toBe("<!doctype html><title>dev</title>");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("style-src 'self' 'unsafe-inline';");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${vite?.port};`);
    expect(csp).toContain("script-src 'self';");
    // Vite never sees the session.
    expect(seen.at(-1)?.headers.get("cookie")).toBeNull();
  });

  test("modules come from Vite as they are", async () => {
    const response = await dev().request("/src/main.ts?t=1");

    expect(await response.text()).toBe("export {}");
    expect(response.headers.get("etag")).toBe('"v1"');
    expect(new URL(seen.at(-1)?.url ?? "").pathname).toBe("/src/main.ts");
    expect(response.headers.get("content-security-policy")).toBeNull();
  });

  test("the API is still the gateway's", async () => {
    expect((await dev().request("/api/me")).status).toBe(401);
  });

  test("a dev server that is down is a 502 that says how to start it", async () => {
    const response = await app({
      MODE: "development",
      WEB_DEV_SERVER: "http://127.0.0.1:9",
    }).request("/", { headers: HTML });

    expect(response.status).toBe(502);
    expect(await response.text()).toContain("bun run dev");
  });
});
